"""Visits and their versioned records, safety sessions, events, alarms and watcher heartbeats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldvisit.storage.base import Base, JSONType

MONEY = Numeric(14, 2)


class Visit(Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_stop_id: Mapped[int | None] = mapped_column(ForeignKey("round_stops.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id"), index=True)
    place: Mapped[str] = mapped_column(String(16), default="home")
    planned_start: Mapped[datetime | None]
    planned_end: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    departed_at: Mapped[datetime | None]
    arrive_lat: Mapped[float | None]
    arrive_lon: Mapped[float | None]
    arrive_accuracy_m: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime]
    # Set when the check-in broke the stop's allowed time or day: the rule's kind
    # (outside_window | other_day), and the reason the collector gave when one was required.
    check_in_flag: Mapped[str | None] = mapped_column(String(32))
    check_in_reason: Mapped[str | None] = mapped_column(Text)

    members: Mapped[list[VisitMember]] = relationship(cascade="all, delete-orphan")
    records: Mapped[list[VisitRecord]] = relationship(order_by="VisitRecord.version")


class VisitMember(Base):
    __tablename__ = "visit_members"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class VisitRecord(Base):
    """The outcome of a visit; immutable once written, a correction is a new version."""

    __tablename__ = "visit_records"
    __table_args__ = (UniqueConstraint("visit_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    version: Mapped[int]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("visit_records.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    person_met: Mapped[str] = mapped_column(String(16))  # debtor | guarantor | other | nobody
    outcome_code: Mapped[str] = mapped_column(String(32))
    ptp_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    ptp_date: Mapped[date | None]
    payment_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    payment_method: Mapped[str | None] = mapped_column(String(32))
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    entry_consent: Mapped[bool | None]
    id_shown: Mapped[bool | None]
    recorded_audio: Mapped[bool | None]
    notes: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str] = mapped_column(String(32))
    next_action_date: Mapped[date]
    evidence: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]
    content_hash: Mapped[str] = mapped_column(String(64))
    # Set when retention blanked the notes and evidence; content_hash still covers the original.
    anonymised_at: Mapped[datetime | None]


class SafetySession(Base):
    __tablename__ = "safety_sessions"
    __table_args__ = (Index("ix_safety_sessions_state_due", "state", "expected_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id"))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime]
    expected_end: Mapped[datetime]
    grace_minutes: Mapped[int]
    risk_tier: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default="active")
    last_lat: Mapped[float | None]
    last_lon: Mapped[float | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    relayed: Mapped[bool] = mapped_column(default=False)  # recorded by a dispatcher by phone


class SafetyEvent(Base):
    __tablename__ = "safety_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("safety_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    relayed: Mapped[bool] = mapped_column(default=False)
    # The client's own id for a queued event, so a re-sent check-out is applied once.
    client_event_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Alarm(Base):
    __tablename__ = "alarms"
    # One alarm per session, kind and escalation step: two watchers can never raise it twice.
    __table_args__ = (UniqueConstraint("session_id", "kind", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("safety_sessions.id"))
    kind: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(default=0)
    silent: Mapped[bool] = mapped_column(default=False)
    raised_at: Mapped[datetime]
    step_due_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)


class WatcherHeartbeat(Base):
    __tablename__ = "watcher_heartbeats"

    watcher_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(128))
    beat_at: Mapped[datetime]
    started_at: Mapped[datetime]
