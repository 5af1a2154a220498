"""Use cases: one function or small class per user action; each owns its transaction."""
