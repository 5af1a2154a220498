"""Admin wing: users, sign-in and the organisation's set-up."""
