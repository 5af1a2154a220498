"""Working an approved round: its stops for the day, and starting each stop's visit once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

DAY = date(2026, 12, 2)


def _round(db: Database, status: str) -> tuple[int, Actor, Actor]:
    """A planned round of the first crew, taken to ``status``; its collector and a stranger."""
    users = UserDirectory(db.session_factory)
    clock = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
    audit = AuditLog(DEMO_AUDIT_KEY, clock)
    with db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
        other = s.scalar(select(m.CrewMember.user_id).where(m.CrewMember.crew_id != crew.id))
        crew_id, member = crew.id, crew.members[0].user_id
    collector = users.actor(member)
    planning = PlanningService(db.session_factory, EligibilityService(db.session_factory), solve)
    rounds = RoundService(db.session_factory, audit, clock)
    plan = planning.optimise(collector, DayRequest(crew_id, DAY), Budget(iterations=200))
    saved = rounds.save_draft(collector, plan, None)
    if status != "draft":
        rounds.submit(collector, saved.round_id)
        assert manager is not None
        rounds.approve(users.actor(manager), saved.round_id, "checked")
    assert other is not None
    return saved.round_id, collector, users.actor(other)


def _today(db: Database) -> FieldToday:
    clock = FixedClock(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    return FieldToday(SafetyDeps(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock))


def test_an_approved_round_is_worked_stop_by_stop(demo_db: Database) -> None:
    round_id, collector, _ = _round(demo_db, "approved")
    today = _today(demo_db)
    worked = today.round_for(collector, DAY)
    assert worked is not None
    assert worked.round_id == round_id
    assert all(stop.visit_id is None for stop in worked.stops)
    assert all("*" in stop.address for stop in worked.stops)
    first = worked.stops[0]
    visit_id = today.start(collector, first.stop_id)
    assert today.start(collector, first.stop_id) == visit_id
    again = today.round_for(collector, DAY)
    assert again is not None
    assert again.status is RoundStatus.IN_PROGRESS
    assert again.stops[0].visit_id == visit_id
    with demo_db.session_factory() as s:
        visit = s.get_one(m.Visit, visit_id)
        assert visit.round_stop_id == first.stop_id
        assert len(visit.members) == 2


def test_a_draft_round_cannot_be_worked(demo_db: Database) -> None:
    _, collector, _ = _round(demo_db, "draft")
    today = _today(demo_db)
    assert today.round_for(collector, DAY) is None
    with demo_db.session_factory() as s:
        stop_id = s.scalars(
            select(m.RoundStop.id).join(m.Round).where(m.Round.plan_date == DAY)
        ).first()
    assert stop_id is not None
    with pytest.raises(ConflictError, match="round_not_approved"):
        today.start(collector, stop_id)


def test_only_the_crew_starts_its_visits(demo_db: Database) -> None:
    _, collector, stranger = _round(demo_db, "approved")
    today = _today(demo_db)
    worked = today.round_for(collector, DAY)
    assert worked is not None
    with pytest.raises(PermissionDeniedError):
        today.start(stranger, worked.stops[0].stop_id)
