"""Working an approved round: its stops for the day, and starting each stop's visit once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.check_in_rules import CheckInFlag, StopTime, check_in_flag, judge_check_in
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.field.visits import CheckIn, FieldVisits
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
    assert not any("*" in stop.address for stop in worked.stops)  # the crew's own round, its day
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


def _visits(db: Database, clock: FixedClock) -> FieldVisits:
    return FieldVisits(SafetyDeps(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock))


def test_a_check_in_outside_the_approved_hours_is_refused_and_a_late_one_flagged(
    demo_db: Database,
) -> None:
    """Issue 20 item 4: a check-in at 00:51 on the next day was accepted without a word."""
    _, collector, _ = _round(demo_db, "approved")
    today = _today(demo_db)
    worked = today.round_for(collector, DAY)
    assert worked is not None
    first, second = worked.stops[0], worked.stops[1]
    night = FixedClock(datetime(2026, 12, 2, 16, 51, tzinfo=UTC))  # 00:51 on 3 Dec in Shanghai
    visit_id = today.start(collector, first.stop_id)
    with pytest.raises(ValidationError) as refused:
        _visits(demo_db, night).check_in(collector, CheckIn(visit_id))
    assert refused.value.message.id == "safety.error.check_in_outside_window"
    with demo_db.session_factory() as s:
        assert (
            s.scalars(select(m.SafetySession).where(m.SafetySession.visit_id == visit_id)).all()
            == []
        )
    # Sent from the offline queue, it already happened at the door: kept, and flagged.
    queued = CheckIn(visit_id, at=night.now, queued=True)
    _visits(demo_db, night).check_in(collector, queued)
    # Inside its window on its day: no flag.
    other_id = today.start(collector, second.stop_id)
    assert second.planned_start is not None
    info = _visits(demo_db, FixedClock(second.planned_start)).check_in(collector, CheckIn(other_id))
    assert second.planned_end is not None
    planned = second.planned_end - second.planned_start
    # Due after the planned visit and a margin, not after the tier's full interval.
    assert info.expected_end - info.opened_at == min(planned + timedelta(minutes=15), {
        "low": timedelta(hours=4), "medium": timedelta(hours=2), "high": timedelta(minutes=30)
    }[info.risk_tier.value])  # fmt: skip
    with demo_db.session_factory() as s:
        late, fine = s.get_one(m.Visit, visit_id), s.get_one(m.Visit, other_id)
        assert (late.check_in_flag, fine.check_in_flag) == ("outside_window", None)


def test_a_round_of_another_day_needs_a_stated_reason() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    stop = StopTime(DAY, zone, (), timedelta(minutes=30))
    next_day = datetime(2026, 12, 3, 10, 0, tzinfo=zone)
    flag = check_in_flag(stop, next_day)
    assert flag is CheckInFlag.OTHER_DAY
    with pytest.raises(ValidationError, match="reason_required"):
        judge_check_in(flag, "  ", queued=False)
    assert judge_check_in(flag, " 昨天未能完成 ", queued=False) == (flag, "昨天未能完成")
    assert check_in_flag(stop, datetime(2026, 12, 2, 23, 59, tzinfo=zone)) is None
