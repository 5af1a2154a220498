"""Mid-day re-plan on the demo data: finished stops untouched, unchanged approvals kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fieldvisit.demo.build import create_demo
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus, StopApproval, StopStatus
from fieldvisit.domain.errors import ConflictError, ValidationError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.replanning import ReplanRequest, ReplanService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.conftest import DEMO_TODAY

DAY = date(2026, 12, 2)
BUDGET = Budget(iterations=300, seed=0)


@dataclass
class World:
    db: Database
    clock: FixedClock
    collector: Actor
    manager: Actor
    rounds: RoundService
    today: FieldToday
    replans: ReplanService
    round_id: int


def _world(db: Database) -> World:
    """The first crew's round for DAY, planned, approved with its exceptions, and under way."""
    clock = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
    audit = AuditLog(DEMO_AUDIT_KEY, clock)
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        manager_id = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
        crew_id, member = crew.id, crew.members[0].user_id
    assert manager_id is not None
    collector, manager = users.actor(member), users.actor(manager_id)
    planning = PlanningService(db.session_factory, EligibilityService(db.session_factory), solve)
    rounds = RoundService(db.session_factory, audit, clock)
    plan = planning.optimise(collector, DayRequest(crew_id, DAY), BUDGET)
    assert plan.needs_approval  # the demo's first crew has exceptions to approve
    saved = rounds.save_draft(collector, plan, None)
    rounds.submit(collector, saved.round_id)
    rounds.approve(manager, saved.round_id, "exceptions checked")
    today = FieldToday(SafetyDeps(db.session_factory, audit, clock))
    replans = ReplanService(db.session_factory, planning, audit, clock)
    return World(db, clock, collector, manager, rounds, today, replans, saved.round_id)


def _stops(world: World) -> list[tuple[int, int, int, str, str]]:
    """(id, seq, case, status, approval) of the round's stops, in order."""
    with world.db.session_factory() as s:
        rows = s.scalars(
            select(m.RoundStop)
            .where(m.RoundStop.round_id == world.round_id)
            .order_by(m.RoundStop.seq)
        ).all()
        return [(r.id, r.seq, r.case_id, r.status, r.approval) for r in rows]


def _start_first(world: World) -> int:
    """The crew starts its first stop at 09:00 local (01:00 UTC) and is there an hour later."""
    world.clock.now = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    first = _stops(world)[0][0]
    world.today.start(world.collector, first)
    world.clock.now = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # noon local
    return first


def _urgent_case(world: World) -> int:
    """A case of the crew's team that needs an approval today and is not in the round."""
    planned = {case for _, _, case, _, _ in _stops(world)}
    eligibility = EligibilityService(world.db.session_factory)
    with world.db.session_factory() as s:
        crew_id = s.get_one(m.Round, world.round_id).crew_id
    day = eligibility.for_day(world.collector, DAY, crew_id)
    return next(
        c.case_id
        for c in day.cases
        if c.case_id not in planned and not c.blocked and c.status.value == "needs_approval"
    )


@pytest.fixture
def world(demo_db: Database) -> World:
    return _world(demo_db)


def test_a_replan_keeps_finished_stops_and_unchanged_approvals(world: World) -> None:
    first = _start_first(world)
    before = _stops(world)
    approved_before = {case for _, _, case, _, approval in before if approval == "approved"}
    dropped = next(case for _, _, case, _, approval in before[1:] if approval == "none")
    urgent = _urgent_case(world)

    proposal = world.replans.propose(
        world.collector,
        ReplanRequest(world.round_id, "no access", add=(urgent,), drop=(dropped,)),
        BUDGET,
    )
    assert [f.case_id for f in proposal.finished] == [before[0][2]]
    assert proposal.finished[0].status == "visiting"
    assert dropped in proposal.dropped
    assert all(stop.start >= world.clock() for stop in proposal.plan.stops)
    saved = world.replans.apply(world.collector, proposal)

    after = _stops(world)
    assert after[0] == before[0]  # the visit under way: same row, same place in the day
    assert saved.status is RoundStatus.IN_PROGRESS
    cases = [case for _, _, case, _, _ in after]
    assert dropped not in cases
    approvals = {case: approval for _, _, case, _, approval in after}
    kept = approved_before & set(cases)
    assert kept, "the re-plan should keep at least one approved exception"
    assert all(approvals[case] == "approved" for case in kept)
    assert approvals[urgent] == "pending"  # an added case is urgent: always in the day
    assert [seq for _, seq, _, _, _ in after] == list(range(1, len(after) + 1))
    with world.db.session_factory() as s:
        stored = s.get_one(m.Round, world.round_id)
        assert stored.status == RoundStatus.IN_PROGRESS
        # Row seals (rows.sealed) follow each action; the actions themselves are compared here.
        actions = s.scalars(
            select(m.AuditEntry.action)
            .where(m.AuditEntry.action.not_like("rows.%"))
            .order_by(m.AuditEntry.seq)
        ).all()
    assert actions[-1] == "round.replanned"
    assert first == after[0][0]


def test_only_the_added_exception_waits_for_a_manager(world: World) -> None:
    _start_first(world)
    urgent = _urgent_case(world)
    proposal = world.replans.propose(
        world.collector, ReplanRequest(world.round_id, "urgent case", add=(urgent,)), BUDGET
    )
    assert urgent in {stop.case_id for stop in proposal.plan.stops}
    assert proposal.needs_approval
    world.replans.apply(world.collector, proposal)

    queue = world.rounds.queue(world.manager)
    assert [(r.round_id, r.status, r.exceptions) for r in queue] == [
        (world.round_id, RoundStatus.IN_PROGRESS, 1)
    ]
    pending = next(sid for sid, _, case, _, _ in _stops(world) if case == urgent)
    with pytest.raises(ConflictError, match="awaits_approval"):
        world.today.start(world.collector, pending)
    other = next(sid for sid, _, case, _, _ in _stops(world)[1:] if case != urgent)
    world.today.start(world.collector, other)  # the crew keeps working meanwhile

    decided = world.rounds.approve(world.manager, world.round_id, "urgent, approved")
    assert decided.status is RoundStatus.IN_PROGRESS
    assert world.rounds.queue(world.manager) == []
    assert world.today.start(world.collector, pending) > 0
    with world.db.session_factory() as s:
        last = s.scalars(
            select(m.Approval)
            .where(m.Approval.round_id == world.round_id)
            .order_by(m.Approval.id.desc())
        ).first()
        assert last is not None
        assert [item["case"] for item in last.scope] == [urgent]


def test_a_rejected_new_exception_cancels_only_that_stop(world: World) -> None:
    _start_first(world)
    urgent = _urgent_case(world)
    proposal = world.replans.propose(
        world.collector, ReplanRequest(world.round_id, "urgent case", add=(urgent,)), BUDGET
    )
    world.replans.apply(world.collector, proposal)
    world.rounds.reject(world.manager, world.round_id, "not today")
    stops = {case: (status, approval) for _, _, case, status, approval in _stops(world)}
    assert stops[urgent] == (StopStatus.CANCELLED, StopApproval.REJECTED)
    assert sum(1 for status, _ in stops.values() if status == StopStatus.CANCELLED) == 1
    with world.db.session_factory() as s:
        assert s.get_one(m.Round, world.round_id).status == RoundStatus.IN_PROGRESS


def test_a_visit_started_after_the_proposal_makes_it_stale(world: World) -> None:
    _start_first(world)
    proposal = world.replans.propose(
        world.collector, ReplanRequest(world.round_id, "running late"), BUDGET
    )
    second = _stops(world)[1][0]
    world.today.start(world.collector, second)
    with pytest.raises(ConflictError, match="visits_changed"):
        world.replans.apply(world.collector, proposal)


def test_only_a_round_under_way_is_replanned_and_a_reason_is_required(world: World) -> None:
    with pytest.raises(ConflictError, match="not_in_progress"):
        world.replans.propose(world.collector, ReplanRequest(world.round_id, "late"), BUDGET)
    _start_first(world)
    with pytest.raises(ValidationError, match="reason_required"):
        world.replans.propose(world.collector, ReplanRequest(world.round_id, "  "), BUDGET)
    done = _stops(world)[0][2]
    with pytest.raises(ValidationError, match="already_visited"):
        world.replans.propose(
            world.collector, ReplanRequest(world.round_id, "again", add=(done,)), BUDGET
        )


def test_a_replan_after_the_shift_is_refused(world: World) -> None:
    _start_first(world)
    world.clock.now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # 20:00 local
    with pytest.raises(ValidationError, match="outside_shift"):
        world.replans.propose(world.collector, ReplanRequest(world.round_id, "late"), BUDGET)


def test_replan_on_sqlite_and_postgresql(database: Database) -> None:
    """Both backends (the ``database`` fixture runs each; PostgreSQL where the server is set)."""
    create_demo(database.session_factory, seed=0, today=DEMO_TODAY)
    world = _world(database)
    _start_first(world)
    urgent = _urgent_case(world)
    proposal = world.replans.propose(
        world.collector, ReplanRequest(world.round_id, "urgent", add=(urgent,)), BUDGET
    )
    world.replans.apply(world.collector, proposal)
    assert world.rounds.queue(world.manager)[0].exceptions == 1
