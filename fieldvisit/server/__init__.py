"""The team server: an HTTP API over the same services the window runs, for many clients."""
