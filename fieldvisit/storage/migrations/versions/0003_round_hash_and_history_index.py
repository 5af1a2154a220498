"""Rule-set hashes carry their algorithm ("sha256:…", 71 characters); a covering history index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 15:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.alter_column(
            "ruleset_hash", existing_type=sa.String(length=64), type_=sa.String(length=80)
        )
    op.create_index(
        "ix_contacts_debtor_time_cov",
        "contacts",
        ["debtor_id", "occurred_at", "channel", "contacted"],
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_debtor_time_cov", table_name="contacts")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.alter_column(
            "ruleset_hash", existing_type=sa.String(length=80), type_=sa.String(length=64)
        )
