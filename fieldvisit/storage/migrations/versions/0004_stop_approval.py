"""Each stop carries its own approval state, so a mid-day re-plan keeps what was approved.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:15:00

"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rounds whose exceptions a manager has already approved (the approval outlives the start).
_DECIDED = ("approved", "in_progress", "closed")


def upgrade() -> None:
    with op.batch_alter_table("round_stops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval", sa.String(length=16), nullable=False, server_default="none")
        )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT s.id, s.checks, r.status FROM round_stops s JOIN rounds r ON r.id = s.round_id"
        )
    ).all()
    for stop_id, checks, status in rows:
        if _needs_approval(checks):
            state = "approved" if status in _DECIDED else "pending"
            bind.execute(
                sa.text("UPDATE round_stops SET approval = :state WHERE id = :id"),
                {"state": state, "id": stop_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("round_stops", schema=None) as batch_op:
        batch_op.drop_column("approval")


def _needs_approval(checks: Any) -> bool:
    document = json.loads(checks) if isinstance(checks, str) else checks or {}
    return any(v.get("severity") == "approve" for v in document.get("violations", []))
