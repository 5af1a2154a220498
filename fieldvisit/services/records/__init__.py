"""Records wing: visit records, audit verification and anchors, retention, statistics."""
