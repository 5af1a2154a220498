"""Allows ``python -m fieldvisit``."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from fieldvisit.app.cli import main

    raise SystemExit(main())
