"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.errors import DatabaseError, NotFoundError, ValidationError

SUPPORTED_DIALECTS = ("sqlite", "postgresql")


def parse_url(url: str) -> URL:
    """A validated SQLAlchemy URL of a supported database (PostgreSQL goes through psycopg 3)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number raises here, not at connect)
    except (ArgumentError, ValueError) as exc:
        raise ValidationError("error.config.bad_url", url=url) from exc
    if parsed.get_backend_name() not in SUPPORTED_DIALECTS:
        raise ValidationError("error.db.unsupported", dialect=parsed.get_backend_name())
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created when missing."""
    parsed = parse_url(url) if isinstance(url, str) else url
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() == "postgresql")
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


@dataclass(frozen=True)
class Database:
    """The engine and the one session factory built at start-up."""

    engine: Engine
    session_factory: sessionmaker[Session]

    @classmethod
    def open(cls, url: str | URL) -> Database:
        engine = make_engine(url)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def require_existing(url: str | URL) -> None:
    """Raise NotFoundError naming the file when a SQLite database does not exist (checked before
    anything opens it, since opening would create it and its folder)."""
    parsed = parse_url(url) if isinstance(url, str) else url
    path = sqlite_path(parsed)
    if path is None:
        return
    if not path.is_file():
        raise NotFoundError("error.db.missing", path=str(path.expanduser().absolute()))
    with path.open("rb") as handle:
        header = handle.read(16)
    # Connecting would turn an empty file into a database (the WAL pragma writes a header).
    if header != b"SQLite format 3\x00":
        raise NotFoundError("error.db.not_fieldvisit", url=str(path))


def check_reachable(engine: Engine) -> None:
    """Raise a DatabaseError that names the URL when the server cannot be reached."""
    try:
        with engine.connect():
            pass
    except Exception as exc:
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(
            "error.db.unreachable", url=url, detail=str(exc).splitlines()[0]
        ) from exc
