"""Start-up: settings, wiring, command line."""
