"""Alembic environment: runs migrations on the connection the app hands over."""

from __future__ import annotations

from alembic import context

from fieldvisit.storage import models  # noqa: F401  (registers every table)
from fieldvisit.storage.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("FieldVisit runs migrations through fieldvisit.storage.migrate only")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
