"""Shared start-up steps of every command: find the database URL, open and upgrade the database."""

from __future__ import annotations

import argparse

from fieldvisit.app.config import demo_db_url, resolve_db_url
from fieldvisit.storage import migrate
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


def run_window(args: argparse.Namespace) -> int:
    from fieldvisit.app.gui import run

    return run(db_url(args), args.requested_lang)
