"""Cases wing: the case list, its filters and the detail pane."""
