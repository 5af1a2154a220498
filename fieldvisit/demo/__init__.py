"""Demo data: an organisation, cases and history to try the app on."""
