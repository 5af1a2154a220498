"""Helpers shared by tests: comparing whole databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from fieldvisit.storage import models  # noqa: F401  (registers every table)
from fieldvisit.storage.base import Base


def use_demo_key(monkeypatch: Any, path: Any) -> None:
    """Point the audit key setting at ``path`` holding the demo's (public) key."""
    from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file

    write_key_file(path, DEMO_AUDIT_KEY)
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(path))


def table_contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key, as plain tuples."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            contents[table.name] = [tuple(row) for row in rows]
    return contents
