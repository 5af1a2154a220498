"""Schema migrations through Alembic, driven from code: the app upgrades at start-up."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from fieldvisit.domain.errors import DatabaseError
from fieldvisit.storage.signals import MIGRATION_LOCK


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (works from a wheel too)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("fieldvisit.storage.migrations")))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this program knows; more than one head is a bug."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads {heads}: merge them into one line")
    return heads[0]


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def ensure_not_newer(found: str | None) -> None:
    """Refuse a schema this program does not know (written by a newer FieldVisit)."""
    if found is not None and found not in known_revisions():
        raise DatabaseError("error.db.newer_schema", found=found, supported=head_revision())


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest schema in one transaction; returns the revision."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two servers or admins upgrading at once would race; the second waits, then finds
            # the schema current. The lock ends with this transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        elif connection.dialect.name == "sqlite":
            # Python's sqlite3 runs DDL outside any transaction unless one is open, so without
            # this BEGIN a kill during the first migration left some tables and no revision,
            # and every later start failed on "table already exists". The commit ends it.
            connection.exec_driver_sql("BEGIN")
        ensure_not_newer(current_revision(connection))
        command.upgrade(alembic_config(connection), "head")
    return head_revision()
