"""Backups restore to identical contents; a newer or foreign backup is refused, changing nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldvisit.demo.build import create_demo
from fieldvisit.domain.errors import DatabaseError, ValidationError
from fieldvisit.storage import backup, migrate
from fieldvisit.storage.database import Database
from tests.conftest import DEMO_TODAY
from tests.helpers import table_contents


@pytest.fixture
def filled(database: Database) -> Database:
    create_demo(database.session_factory, seed=3, today=DEMO_TODAY)
    return database


@pytest.fixture
def second_url(request: pytest.FixtureRequest, empty_url: str) -> str:
    """Another empty database on the same backend as ``empty_url``."""
    if empty_url.startswith("sqlite"):
        return empty_url.replace("fieldvisit.db", "restored.db")
    return str(request.getfixturevalue("new_pg_database")())


def test_backup_then_restore_gives_identical_contents(
    filled: Database, second_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "fieldvisit.backup"
    assert backup.backup(filled.engine, file) == migrate.head_revision()
    target = Database.open(second_url)
    assert backup.restore(target.engine, file) == migrate.head_revision()
    assert table_contents(target.engine) == table_contents(filled.engine)
    target.dispose()


def test_restore_refuses_a_database_that_holds_data(filled: Database, tmp_path: Path) -> None:
    file = tmp_path / "fieldvisit.backup"
    backup.backup(filled.engine, file)
    before = table_contents(filled.engine)
    with pytest.raises(ValidationError) as caught:
        backup.restore(filled.engine, file)
    assert caught.value.message.id == "error.db.restore_not_empty"
    assert table_contents(filled.engine) == before


def test_restore_refuses_a_backup_from_a_newer_schema(
    filled: Database, second_url: str, tmp_path: Path
) -> None:
    with filled.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    file = tmp_path / "newer.backup"
    backup.backup(filled.engine, file)
    target = Database.open(second_url)
    with pytest.raises(DatabaseError) as caught:
        backup.restore(target.engine, file)
    assert caught.value.message.id == "error.db.backup_newer"
    assert target.table_names() == []
    target.dispose()


def test_restore_names_a_missing_file(sqlite_url: str, tmp_path: Path) -> None:
    target = Database.open(sqlite_url)
    with pytest.raises(ValidationError, match="backup_missing"):
        backup.restore(target.engine, tmp_path / "nope.backup")


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello", encoding="utf-8")
    target = Database.open(sqlite_url)
    with pytest.raises(ValidationError, match="backup_invalid"):
        backup.restore(target.engine, bogus)


def test_sqlite_backup_is_a_consistent_sqlite_file(demo_db: Database, tmp_path: Path) -> None:
    file = tmp_path / "copy.db"
    backup.backup(demo_db.engine, file)
    with sqlite3.connect(file) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM cases").fetchone() == (400,)
