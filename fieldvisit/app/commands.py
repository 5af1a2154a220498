"""What each ``fieldvisit`` subcommand does: open the database, call a service, print the result."""

from __future__ import annotations

import argparse
from datetime import date

from fieldvisit.app.config import demo_db_url, resolve_db_url
from fieldvisit.i18n import translate
from fieldvisit.services.demo import create_demo
from fieldvisit.storage import backup, migrate
from fieldvisit.storage.database import Database, check_reachable


def db_url(args: argparse.Namespace, *, demo: bool = False) -> str:
    """The URL given with ``--db``; otherwise the demo's own file, or the configured database."""
    explicit: str | None = getattr(args, "db", None)
    if demo and not explicit:
        return demo_db_url()
    return resolve_db_url(explicit).url


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """The database at ``url``, reachable and (unless told otherwise) at the newest schema."""
    database = Database.open(url)
    check_reachable(database.engine)
    if upgrade:
        migrate.upgrade(database.engine)
    return database


def db_upgrade(args: argparse.Namespace) -> int:
    database = open_database(db_url(args))
    print(translate("cli.db.upgraded", args.lang, revision=migrate.head_revision()))
    database.dispose()
    return 0


def db_backup(args: argparse.Namespace) -> int:
    database = open_database(db_url(args), upgrade=False)
    revision = backup.backup(database.engine, args.file)
    print(translate("cli.db.backup_done", args.lang, path=args.file, revision=revision))
    database.dispose()
    return 0


def db_restore(args: argparse.Namespace) -> int:
    database = open_database(db_url(args), upgrade=False)
    revision = backup.restore(database.engine, args.file)
    print(translate("cli.db.restore_done", args.lang, path=args.file, revision=revision))
    database.dispose()
    return 0


def demo(args: argparse.Namespace) -> int:
    url = db_url(args, demo=True)
    database = open_database(url)
    today = args.today or date.today()
    summary = create_demo(database.session_factory, seed=args.seed, today=today)
    key = "cli.demo.done" if summary.created else "cli.demo.exists"
    print(
        translate(
            key, args.lang, url=database.display_url, cases=summary.cases, contacts=summary.contacts
        )
    )
    database.dispose()
    return 0


def run_window(args: argparse.Namespace) -> int:
    from fieldvisit.app.gui import run

    return run(db_url(args), args.lang)
