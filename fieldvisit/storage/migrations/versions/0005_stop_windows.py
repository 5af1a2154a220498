"""Reserved revision (the stop windows landed in 0008); kept so the chain stays linear.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
