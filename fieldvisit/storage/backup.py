"""Consistent online backups and restores: SQLite's backup API, or pg_dump and pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from fieldvisit.domain.errors import DatabaseError, ValidationError
from fieldvisit.storage.migrate import current_revision, ensure_not_newer, head_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# The target's tables were checked to be empty, so --clean only drops empty tables the app made.
PG_RESTORE_FLAGS = (
    "--clean",
    "--if-exists",
    "--no-owner",
    "--no-privileges",
    "--exit-on-error",
    "--single-transaction",
)


def backup(engine: Engine, target: Path, *, overwrite: bool = False) -> str:
    """Write a backup of the whole database to ``target``; returns its schema revision.

    An existing ``target`` (perhaps the only good backup) is replaced only when ``overwrite``.
    """
    target = target.expanduser().resolve()
    if target.exists() and not overwrite:
        raise ValidationError("error.db.backup_exists", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()  # SQLite's backup API would write into the old file's pages
    with engine.connect() as connection:
        revision = current_revision(connection) or "(none)"
    if engine.url.get_backend_name() == "sqlite":
        _sqlite_backup(engine, target)
    else:
        _pg_tool("pg_dump", engine.url, ["--format=custom", "--no-owner", f"--file={target}"])
    return revision


def restore(engine: Engine, source: Path) -> str | None:
    """Restore ``source`` into the empty database behind ``engine``; refuses a newer schema."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise ValidationError("error.db.backup_missing", path=str(source))
    _require_empty(engine)
    if engine.url.get_backend_name() == "sqlite":
        revision = _sqlite_backup_revision(source)
        ensure_backup_supported(revision)
        _sqlite_restore(engine, source)
    else:
        revision = _pg_backup_revision(engine.url, source)
        ensure_backup_supported(revision)
        _pg_tool(
            "pg_restore",
            engine.url,
            [*PG_RESTORE_FLAGS, str(source)],
        )
    return revision


def ensure_backup_supported(revision: str | None) -> None:
    try:
        ensure_not_newer(revision)
    except DatabaseError as exc:
        raise DatabaseError(
            "error.db.backup_newer", found=revision, supported=head_revision()
        ) from exc


def _require_empty(engine: Engine) -> None:
    names = inspect(engine).get_table_names()
    with engine.connect() as connection:
        for name in names:
            if connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                raise ValidationError("error.db.restore_not_empty")


def _sqlite_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            destination.close()
    finally:
        raw.close()


def _sqlite_restore(engine: Engine, source: Path) -> None:
    engine.dispose()  # no pooled connection may keep the old pages
    raw = engine.raw_connection()
    try:
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            origin.close()
    finally:
        raw.close()
    engine.dispose()


def _read_magic(source: Path, size: int) -> bytes:
    with source.open("rb") as handle:
        return handle.read(size)


def _sqlite_backup_revision(source: Path) -> str | None:
    if _read_magic(source, len(SQLITE_MAGIC)) != SQLITE_MAGIC:
        raise ValidationError(
            "error.db.backup_invalid", path=str(source), detail="not a SQLite file"
        )
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ValidationError("error.db.backup_invalid", path=str(source), detail=str(exc)) from exc
    finally:
        connection.close()
    return str(row[0]) if row else None


def _pg_backup_revision(url: URL, source: Path) -> str | None:
    if _read_magic(source, len(PG_CUSTOM_MAGIC)) != PG_CUSTOM_MAGIC:
        raise ValidationError(
            "error.db.backup_invalid", path=str(source), detail="not a pg_dump custom-format file"
        )
    listing = _run(
        "pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(source)], {}
    )
    lines = listing.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
            value = lines[index + 1].strip()
            return None if value == "\\." else value
    return None


def _pg_tool(tool: str, url: URL, arguments: list[str]) -> None:
    env = {"PGPASSWORD": url.password or ""} if url.password else {}
    _run(tool, [f"--dbname={_libpq_uri(url)}", *arguments], env)


def _libpq_uri(url: URL) -> str:
    bare = url.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False)


def _run(tool: str, arguments: list[str], extra_env: dict[str, str]) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise DatabaseError("error.db.tool_missing", tool=tool)
    result = subprocess.run(
        [executable, *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, **extra_env},
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DatabaseError("error.db.tool_failed", tool=tool, detail=detail[-1] if detail else "")
    return result.stdout
