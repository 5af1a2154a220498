"""Stops keep the windows they were approved with; a check-in carries its rule flag and reason.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    # Older stops keep NULL: the route sheet then falls back to the rules of today.
    with op.batch_alter_table("round_stops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("windows", _JSON, nullable=True))
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("check_in_flag", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("check_in_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("check_in_reason")
        batch_op.drop_column("check_in_flag")
    with op.batch_alter_table("round_stops", schema=None) as batch_op:
        batch_op.drop_column("windows")
