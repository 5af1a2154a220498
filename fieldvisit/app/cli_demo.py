"""``fieldvisit demo [--seed N] [--today YYYY-MM-DD]``: the demo data in its own database."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date

    demo = commands.add_parser(
        "demo", help="create the demo data set in its own database", parents=[common]
    )
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--today", type=parse_date, default=None, metavar="YYYY-MM-DD")
    demo.set_defaults(handler=create_demo_database)


def create_demo_database(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import audit_key_path
    from fieldvisit.demo.build import create_demo
    from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file

    with command_backend(args, demo=True) as backend:
        key = audit_key_path(backend.url)

        def put_key() -> None:
            # The demo's chain is signed with its public key: put it where this database's key
            # is looked for (on PostgreSQL too), so the demo can be written to and verified.
            # Before the commit: a kill -9 right after it would leave a chain without its key.
            if not key.exists():
                write_key_file(key, DEMO_AUDIT_KEY)

        summary = create_demo(
            backend.database.session_factory,
            seed=args.seed,
            today=args.today or date.today(),
            before_commit=put_key,
        )
        url = backend.database.display_url
    done = "cli.demo.done" if summary.created else "cli.demo.exists"
    print(translate(done, args.lang, url=url, cases=summary.cases, contacts=summary.contacts))
    return 0
