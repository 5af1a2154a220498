"""Reserved for the workflow fixes: check-in flags, alarm/session separation.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
