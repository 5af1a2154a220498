"""Team server: sign-in sessions with hashed access and refresh tokens.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fieldvisit.storage.base

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = fieldvisit.storage.base.UTCDateTime(timezone=True)
    op.create_table(
        "server_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", when, nullable=False),
        sa.Column("access_expires_at", when, nullable=False),
        sa.Column("refresh_expires_at", when, nullable=False),
        sa.Column("revoked_at", when, nullable=True),
        sa.Column("host", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_server_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_sessions")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_server_sessions_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_server_sessions_refresh_hash")),
    )
    with op.batch_alter_table("server_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_server_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("server_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_sessions_user_id"))
    op.drop_table("server_sessions")
