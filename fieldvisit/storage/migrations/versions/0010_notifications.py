"""Escalation delivery: team channels and recipients per ladder step, delivery attempts, watcher
outages.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 18:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fieldvisit.storage.base

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = fieldvisit.storage.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "notify_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_notify_routes_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notify_routes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_routes")),
        sa.UniqueConstraint(
            "team_id",
            "step",
            "channel",
            "address",
            name=op.f("uq_notify_routes_team_id_step_channel_address"),
        ),
    )
    op.create_index(op.f("ix_notify_routes_team_id"), "notify_routes", ["team_id"], unique=False)
    op.create_table(
        "notify_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("smtp_host", sa.String(length=255), nullable=True),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_security", sa.String(length=8), nullable=False),
        sa.Column("smtp_from", sa.String(length=255), nullable=True),
        sa.Column("smtp_username", sa.String(length=255), nullable=True),
        sa.Column("smtp_password_env", sa.String(length=64), nullable=True),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("webhook_secret", sa.String(length=128), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_notify_settings_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_notify_settings_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_notify_settings")),
    )
    op.create_table(
        "watcher_alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watcher_id", sa.String(length=64), nullable=False),
        sa.Column("last_beat_at", _UTC(timezone=True), nullable=False),
        sa.Column("raised_at", _UTC(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("recovered_at", _UTC(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", _UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_watcher_alarms_acknowledged_by_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watcher_alarms")),
        sa.UniqueConstraint(
            "watcher_id", "last_beat_at", name=op.f("uq_watcher_alarms_watcher_id_last_beat_at")
        ),
    )
    op.create_table(
        "notify_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("alarm_id", sa.Integer(), nullable=True),
        sa.Column("watcher_alarm_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", _UTC(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", _UTC(timezone=True), nullable=True),
        sa.Column("next_attempt_at", _UTC(timezone=True), nullable=True),
        sa.Column("watcher_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["alarm_id"], ["alarms.id"], name=op.f("fk_notify_attempts_alarm_id_alarms")
        ),
        sa.ForeignKeyConstraint(
            ["watcher_alarm_id"],
            ["watcher_alarms.id"],
            name=op.f("fk_notify_attempts_watcher_alarm_id_watcher_alarms"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_attempts")),
        sa.UniqueConstraint(
            "target",
            "channel",
            "address",
            "attempt",
            name=op.f("uq_notify_attempts_target_channel_address_attempt"),
        ),
    )
    op.create_index(
        op.f("ix_notify_attempts_alarm_id"), "notify_attempts", ["alarm_id"], unique=False
    )
    op.create_index(op.f("ix_notify_attempts_target"), "notify_attempts", ["target"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notify_attempts_target"), table_name="notify_attempts")
    op.drop_index(op.f("ix_notify_attempts_alarm_id"), table_name="notify_attempts")
    op.drop_table("notify_attempts")
    op.drop_table("watcher_alarms")
    op.drop_table("notify_settings")
    op.drop_index(op.f("ix_notify_routes_team_id"), table_name="notify_routes")
    op.drop_table("notify_routes")
