"""The migrations are one line, and they build exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from fieldvisit.storage import migrate
from fieldvisit.storage.base import Base
from fieldvisit.storage.database import Database


def test_migrations_have_a_single_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, f"parallel migrations must be merged into one line: {heads}"


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_records_the_head_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()


def test_upgrade_twice_changes_nothing(database: Database) -> None:
    before = sorted(database.table_names())
    assert migrate.upgrade(database.engine) == migrate.head_revision()
    assert sorted(database.table_names()) == before
