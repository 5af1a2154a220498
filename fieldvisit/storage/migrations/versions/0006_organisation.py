"""Organisation set-up: a crew's working day and base address, a team's holiday region, a
creditor's currency, and the date a debtor declared a window or blackout.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREW_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("base_address", sa.String(length=300)),
    ("shift_start", sa.Time()),
    ("shift_end", sa.Time()),
    ("break_earliest", sa.Time()),
    ("break_latest", sa.Time()),
    ("break_minutes", sa.Integer()),
    ("max_visits", sa.Integer()),
    ("speed_kmh", sa.Double()),
)


def upgrade() -> None:
    with op.batch_alter_table("crews", schema=None) as batch_op:
        for name, kind in CREW_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holiday_region", sa.String(length=16), nullable=True))
    with op.batch_alter_table("creditors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declared_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_column("declared_on")
    with op.batch_alter_table("creditors", schema=None) as batch_op:
        batch_op.drop_column("currency")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("holiday_region")
    with op.batch_alter_table("crews", schema=None) as batch_op:
        for name, _kind in reversed(CREW_COLUMNS):
            batch_op.drop_column(name)
