"""Allows ``python -m fieldvisit``."""

from fieldvisit.app.cli import main

raise SystemExit(main())
