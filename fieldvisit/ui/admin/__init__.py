"""Admin wing: rule policies and the organisation's set-up."""
