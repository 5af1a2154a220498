"""Rounds (a crew's day), their stops, approvals, and the organisation's rule policies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldvisit.storage.base import Base, JSONType


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("crew_id", "plan_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id"))
    plan_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # The rule set the stops were checked against, so a plan can be re-checked and audited later.
    rule_profile: Mapped[str] = mapped_column(String(16))
    ruleset_version: Mapped[str] = mapped_column(String(32))
    ruleset_hash: Mapped[str] = mapped_column(String(80))  # "sha256:" + 64 hex digits
    shift_start: Mapped[datetime | None]
    shift_end: Mapped[datetime | None]
    break_start: Mapped[datetime | None]
    break_end: Mapped[datetime | None]
    start_lat: Mapped[float | None]
    start_lon: Mapped[float | None]
    end_lat: Mapped[float | None]
    end_lon: Mapped[float | None]
    travel_seconds: Mapped[int | None]
    travel_meters: Mapped[int | None]
    team_plan_id: Mapped[str | None] = mapped_column(String(36))  # rounds planned together
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    # Optimistic locking: an edit based on a stale copy is refused, never silently merged.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy reads it as is)

    stops: Mapped[list[RoundStop]] = relationship(
        back_populates="round", order_by="RoundStop.seq", cascade="all, delete-orphan"
    )


class RoundStop(Base):
    __tablename__ = "round_stops"
    __table_args__ = (UniqueConstraint("round_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    seq: Mapped[int]
    pinned: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(String(16), default="home")
    service_minutes: Mapped[int]
    planned_arrive: Mapped[datetime | None]
    planned_start: Mapped[datetime | None]
    planned_end: Mapped[datetime | None]
    travel_seconds_before: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # none | pending | approved | rejected: a stop's exceptions are approved stop by stop, so a
    # mid-day re-plan keeps the approval of the stops it did not change.
    approval: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    # Compliance verdict at planning time: allowed intervals, violations (rule, severity, source).
    checks: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The whole-visit windows this stop was planned (and approved) with, [[start, end], ...] in
    # ISO form: the route sheet prints these even when the rules change after approval.
    windows: Mapped[list[Any] | None] = mapped_column(JSONType)

    round: Mapped[Round] = relationship(back_populates="stops")


class Approval(Base):
    """A manager's decision on a round or on some of its stops; never edited, only superseded."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    # The exceptions (stop id + rule id) this decision covers.
    scope: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    round_version: Mapped[int]
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]


class Policy(Base):
    """An organisation policy version: stricter settings on top of a rule profile, per team."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("team_id", "profile", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    profile: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType)
    effective_from: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
