"""Escalation delivery: each team's channels and recipients, every attempt, watcher outages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldvisit.storage.base import Base


class NotifySettings(Base):
    """A team's SMTP server and SMS/voice gateway. The SMTP password is never stored: only the
    name of the environment variable that holds it on the watcher's machine."""

    __tablename__ = "notify_settings"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    smtp_host: Mapped[str | None] = mapped_column(String(255))
    smtp_port: Mapped[int] = mapped_column(default=25)
    smtp_security: Mapped[str] = mapped_column(String(8), default="none")  # none|starttls|tls
    smtp_from: Mapped[str | None] = mapped_column(String(255))
    smtp_username: Mapped[str | None] = mapped_column(String(255))
    smtp_password_env: Mapped[str | None] = mapped_column(String(64))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # Shared with the gateway to verify our signature; every watcher machine needs it.
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class NotifyRoute(Base):
    """One recipient of one ladder step of one team."""

    __tablename__ = "notify_routes"
    __table_args__ = (UniqueConstraint("team_id", "step", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    step: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(255), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class WatcherAlarm(Base):
    """A watcher that stopped beating; one row per outage (watcher and its last beat)."""

    __tablename__ = "watcher_alarms"
    __table_args__ = (UniqueConstraint("watcher_id", "last_beat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watcher_id: Mapped[str] = mapped_column(String(64))
    last_beat_at: Mapped[datetime]
    raised_at: Mapped[datetime]
    raised_by: Mapped[str] = mapped_column(String(64))  # the watcher (or check) that noticed
    recovered_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """One try to reach one recipient about one alarm step. ``target`` names the alarm
    (``alarm:<id>`` or ``watcher:<id>``) so the unique key holds without nullable columns:
    two watchers never send the same attempt twice."""

    __tablename__ = "notify_attempts"
    __table_args__ = (UniqueConstraint("target", "channel", "address", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(32), index=True)
    alarm_id: Mapped[int | None] = mapped_column(ForeignKey("alarms.id"), index=True)
    watcher_alarm_id: Mapped[int | None] = mapped_column(ForeignKey("watcher_alarms.id"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(255))
    attempt: Mapped[int]
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # sending|sent|failed|gave_up|no_listener
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    watcher_id: Mapped[str | None] = mapped_column(String(64))
