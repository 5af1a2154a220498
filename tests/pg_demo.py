"""The demo built once per test run on PostgreSQL; each test copies it (CREATE DATABASE … TEMPLATE).

Building the demo takes ~8 s on PostgreSQL and a copy ~0.1 s, as the SQLite tests copy the
session's demo file (conftest ``demo_sqlite_file``).
"""

from __future__ import annotations

import atexit
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from fieldvisit.demo.build import create_demo
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database

DEMO_SEED = 0
_templates: dict[tuple[str, str], str] = {}  # (server, demo day) -> template database


def demo_copy(admin_url: URL, today: object) -> str:
    """The name of a new database holding the demo of ``today``; the caller drops it."""
    template_name = _template(admin_url, today)
    name = f"fv_test_{uuid.uuid4().hex[:12]}"
    execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    return name


def drop(admin_url: URL, name: str) -> None:
    execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _template(admin_url: URL, today: object) -> str:
    """The template database holding the demo of ``today``, built on first use."""
    key = (admin_url.render_as_string(hide_password=True), str(today))
    if key not in _templates:
        name = f"fv_demo_tpl_{uuid.uuid4().hex[:8]}"
        execute(admin_url, f'CREATE DATABASE "{name}"')
        atexit.register(drop, admin_url, name)
        built = Database.open(admin_url.set(database=name).render_as_string(hide_password=False))
        migrate.upgrade(built.engine)
        create_demo(built.session_factory, seed=DEMO_SEED, today=today)  # type: ignore[arg-type]
        built.dispose()  # a template must have no connections when it is copied
        _templates[key] = name
    return _templates[key]


def execute(admin_url: URL, statement: str) -> None:
    """One statement on the server's admin connection (CREATE or DROP DATABASE)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()
