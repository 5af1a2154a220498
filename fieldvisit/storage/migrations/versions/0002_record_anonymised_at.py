"""Visit records remember when retention anonymised them (their hash then covers the original).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 14:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fieldvisit.storage.base

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "anonymised_at", fieldvisit.storage.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("visit_records", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
