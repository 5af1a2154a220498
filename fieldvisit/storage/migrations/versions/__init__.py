"""Migration scripts, one line of history."""
