"""Changing a demo crew's or team's settings through the Organisation service, as an admin would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.organisation import CrewInput, TeamInput
from fieldvisit.services.admin.org_store import Mode
from fieldvisit.services.admin.organisation import Entry, OrgAdmin, OrgBatch
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

CLOCK = FixedClock(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))


def _admin(db: Database) -> tuple[OrgAdmin, Actor]:
    with db.session_factory() as s:
        admin = s.scalar(select(m.User.id).where(m.User.role == "admin").order_by(m.User.id))
    assert admin is not None
    org = OrgAdmin(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    return org, UserDirectory(db.session_factory).actor(admin)


def set_crew(db: Database, crew_id: int, **changes: Any) -> None:
    """The crew as stored, with ``changes`` (e.g. ``speed_kmh=10``), saved by the service."""
    org, admin = _admin(db)
    view = next(c for c in org.crews(admin) if c.id == crew_id)
    day = view.day
    lat, lon = view.base or (None, None)
    crew = CrewInput(
        view.team, view.name, lat, lon, view.base_address,
        day.shift_start, day.shift_end, day.break_earliest, day.break_latest,
        day.break_minutes, day.max_visits, view.speed_kmh,
    )  # fmt: skip
    crew = dataclasses.replace(crew, **changes)
    org.apply(admin, OrgBatch(crews=[Entry(crew)]), Mode.EDIT)


def set_team(db: Database, team_id: int, **changes: Any) -> None:
    """The team as stored, with ``changes`` (e.g. ``holiday_region="BY"``), saved by the service."""
    org, admin = _admin(db)
    view = next(t for t in org.teams(admin) if t.id == team_id)
    team = TeamInput(view.code, view.name, view.profile, view.timezone, view.holiday_region)
    team = dataclasses.replace(team, **changes)
    org.apply(admin, OrgBatch(teams=[Entry(team)]), Mode.EDIT)
