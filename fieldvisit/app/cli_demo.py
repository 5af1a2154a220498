"""``fieldvisit demo [--seed N] [--today YYYY-MM-DD]``: the demo data in its own database."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from fieldvisit.app.runtime import db_url, open_database
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
    from fieldvisit.services.demo import create_demo

    database = open_database(db_url(args, demo=True))
    summary = create_demo(
        database.session_factory, seed=args.seed, today=args.today or date.today()
    )
    key = "cli.demo.done" if summary.created else "cli.demo.exists"
    print(
        translate(
            key, args.lang, url=database.display_url, cases=summary.cases, contacts=summary.contacts
        )
    )
    database.dispose()
    return 0
