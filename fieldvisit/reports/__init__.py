"""PDF reports: pure functions from domain data to bytes."""
