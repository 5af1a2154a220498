"""Shared fixtures: databases on SQLite and on the CI PostgreSQL server, demo data, offscreen Qt."""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A machine-wide settings file an administrator left on this machine must not steer the tests.
os.environ.setdefault("FIELDVISIT_MACHINE_SETTINGS", "/nonexistent/fieldvisit-machine.ini")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests import pg_demo
from tests.services.notify_receivers import http_receiver, smtp_server

__all__ = ["http_receiver", "smtp_server"]  # real SMTP server and HTTP gateway, for delivery tests

PG_ENV = "FIELDVISIT_TEST_PG_URL"
REQUIRE_PG_ENV = "FIELDVISIT_REQUIRE_PG"
DEMO_TODAY = date(2026, 12, 1)


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        reason = f"PostgreSQL tests need {PG_ENV} (a server URL; .ci/run starts one)"
        if os.environ.get(REQUIRE_PG_ENV):
            pytest.fail(reason + f", and {REQUIRE_PG_ENV} is set")
        pytest.skip(reason)
    return url


@pytest.fixture(autouse=True)
def _qt_garbage_dies_in_the_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """As the app does (fieldvisit/ui/gc_guard.py): during a Qt test no collection may start on a
    worker thread, where it could destroy widgets; the main thread collects afterwards."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture
def new_pg_database() -> Iterator[Callable[[], str]]:
    """Makes fresh, empty PostgreSQL databases for one test; all are dropped afterwards."""
    admin_url = make_url(_pg_admin_url())
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create() -> str:
        name = f"fv_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin_url.set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(new_pg_database: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return new_pg_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fieldvisit.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def database(empty_url: str) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    db = Database.open(empty_url)
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def demo_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per test session; tests copy it instead of regenerating."""
    from fieldvisit.demo.build import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = Database.open(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    create_demo(db.session_factory, seed=0, today=DEMO_TODAY)
    db.dispose()
    return path


@pytest.fixture
def demo_db(demo_sqlite_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database on SQLite."""
    import shutil

    from fieldvisit.services.audit import DEMO_AUDIT_KEY, sibling_key_path, write_key_file

    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    # A copy travels with its key, as a backup does; tests of a missing key remove it.
    write_key_file(sibling_key_path(copy), DEMO_AUDIT_KEY)
    db = Database.open(f"sqlite:///{copy}")
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_any(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A private copy of the demo database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("demo_db")
        return
    admin_url = make_url(_pg_admin_url())
    name = pg_demo.demo_copy(admin_url, DEMO_TODAY)
    db = Database.open(admin_url.set(database=name).render_as_string(hide_password=False))
    yield db
    db.dispose()
    pg_demo.drop(admin_url, name)
