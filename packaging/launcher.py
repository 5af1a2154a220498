"""Entry script of the bundle: a spawned planner child stops here, before the command line."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from fieldvisit.app.cli import main

    raise SystemExit(main())
