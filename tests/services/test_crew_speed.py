"""A crew's travel speed from the Organisation set-up drives its ETAs, alone and in a team plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.day import DayRequest, PlanningService, RestOfDay
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.team import TeamPlanningService
from fieldvisit.services.planning.team_model import TeamRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.org_settings import set_crew

DAY = date(2026, 12, 2)
BUDGET = Budget(iterations=300, seed=0)
CLOCK = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
# A morning only: travel decides how many visits fit.
TIGHT = DayTemplate(
    shift_start=time(9, 0), shift_end=time(12, 30), break_earliest=time(10, 0),
    break_latest=time(12, 0), break_minutes=15, max_visits=10,
)  # fmt: skip


@pytest.fixture
def demo(demo_db: Database) -> Database:
    return demo_db


def _crews(db: Database) -> tuple[list[int], Actor, Actor]:
    """Team 1's crews, a member of the first one and the team's manager."""
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crews = s.scalars(select(m.Crew).where(m.Crew.team_id == 1).order_by(m.Crew.id)).all()
        member = crews[0].members[0].user_id
        manager = s.scalar(select(m.User.id).where(m.User.role == "manager", m.User.team_id == 1))
        ids = [c.id for c in crews]
    assert manager is not None
    return ids, users.actor(member), users.actor(manager)


def _planning(db: Database) -> PlanningService:
    return PlanningService(db.session_factory, EligibilityService(db.session_factory), solve)


def test_a_slow_crew_arrives_later_on_the_same_order(demo: Database) -> None:
    crews, member, _ = _crews(demo)
    planning = _planning(demo)
    fast = planning.optimise(member, DayRequest(crews[0], DAY), BUDGET)
    order = [s.case_id for s in fast.stops]
    same = planning.evaluate(member, DayRequest(crews[0], DAY), order)
    set_crew(demo, crews[0], speed_kmh=10.0)
    slow = planning.evaluate(member, DayRequest(crews[0], DAY), order)
    assert [s.case_id for s in slow.stops] == order
    # The default model drives 30 km/h: a third of it takes about three times as long (each
    # leg is rounded up to a whole minute, so not exactly).
    assert 2.5 * same.travel_seconds <= slow.travel_seconds <= 3.2 * same.travel_seconds
    pairs = list(zip(same.stops, slow.stops, strict=True))
    assert all(b.arrive >= a.arrive for a, b in pairs)
    assert sum(b.arrive > a.arrive for a, b in pairs) >= len(pairs) - 1
    assert slow.return_ > same.return_
    assert [s.travel_seconds_before for s in slow.stops] != [
        s.travel_seconds_before for s in same.stops
    ]


def test_a_slow_crew_makes_fewer_visits_in_a_tight_shift(demo: Database) -> None:
    crews, member, _ = _crews(demo)
    planning = _planning(demo)
    request = DayRequest(crews[0], DAY, template=TIGHT)
    quick = planning.optimise(member, request, BUDGET)
    set_crew(demo, crews[0], speed_kmh=5.0)
    walking = planning.optimise(member, request, BUDGET)
    assert walking.problems == ()
    assert len(walking.stops) < len(quick.stops)
    codes = {code for left in walking.left_out for code in left.route_codes}
    assert codes & {"route.shift_capacity", "route.no_slot"}


def _team(db: Database) -> TeamPlanningService:
    rounds = RoundService(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    eligibility = EligibilityService(db.session_factory)
    return TeamPlanningService(db.session_factory, eligibility, solve, rounds)


def test_the_team_plan_times_each_crew_at_its_own_speed(demo: Database) -> None:
    crews, _, manager = _crews(demo)
    team = _team(demo)
    request = TeamRequest(DAY, team_id=1, template=TIGHT)
    before = team.optimise(manager, request, BUDGET)
    set_crew(demo, crews[1], speed_kmh=5.0)
    after = team.optimise(manager, request, BUDGET)
    assert after.problems == ()
    assert all(not crew.broken for crew in after.crews)
    slow, quick = after.crew(crews[1]), after.crew(crews[0])
    # The slow crew makes fewer visits than before; each crew's times are its own speed's,
    # the same as planning that crew alone in that order.
    assert len(slow.order) < len(before.crew(crews[1]).order)
    planning = _planning(demo)
    for crew in (slow, quick):
        alone = planning.evaluate(
            manager,
            DayRequest(crew.crew_id, DAY, tuple(crew.order), template=TIGHT),
            crew.order,
        )
        assert alone.travel_seconds == crew.plan.travel_seconds
    alone = planning.evaluate(
        manager,
        DayRequest(quick.crew_id, DAY, tuple(quick.order), template=TIGHT),
        quick.order,
    )
    assert [s.arrive for s in alone.stops] == [s.arrive for s in quick.plan.stops]
    # The quick crew, planned at the slow crew's speed first, then fills the time it saves.
    assert len(quick.order) >= len(before.crew(crews[0]).order)
    # A hand move re-times the quick crew at its own speed too.
    moved = team.move(manager, after, quick.order[-1], crews[0], 0)
    order = moved.crew(crews[0]).order
    alone = planning.evaluate(
        manager,
        DayRequest(quick.crew_id, DAY, tuple(order), template=TIGHT),
        order,
    )
    assert alone.travel_seconds == moved.crew(crews[0]).plan.travel_seconds


def test_a_mid_day_re_plan_drives_at_the_crews_speed(demo: Database) -> None:
    crews, member, _ = _crews(demo)
    planning = _planning(demo)
    first = planning.optimise(member, DayRequest(crews[0], DAY), BUDGET)
    here = (first.stops[0].lat, first.stops[0].lon)  # standing at the first stop at 11:00
    rest = RestOfDay(first.stops[0].start.replace(hour=11, minute=0), here, break_taken=False)
    quick = planning.replan(member, DayRequest(crews[0], DAY), rest, BUDGET)
    set_crew(demo, crews[0], speed_kmh=5.0)
    slow = planning.replan(member, DayRequest(crews[0], DAY), rest, BUDGET)
    assert quick.stops
    assert slow.stops
    # The first drive from where the crew stands takes the slow crew longer (or it stays put).
    assert slow.stops[0].travel_seconds_before >= quick.stops[0].travel_seconds_before
    assert slow.travel_seconds / max(1, len(slow.stops)) > quick.travel_seconds / len(quick.stops)
