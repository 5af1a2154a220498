"""Runtime assets (rule profiles, translations, icons), shipped as ``fieldvisit.resources``."""
