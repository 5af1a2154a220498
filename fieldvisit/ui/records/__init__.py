"""Records wing: visit records and the statistics screen."""
