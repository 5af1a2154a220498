"""Integrity: payments and promises store the ISO 4217 currency of their amount.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("payments", "promises")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        # Until now every amount was in its case's currency: say so on the old rows.
        op.execute(
            f"UPDATE {table} SET currency = "
            f"(SELECT cases.currency FROM cases WHERE cases.id = {table}.case_id)"
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("currency")
