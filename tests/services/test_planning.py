"""Planning a day and deciding on it, on the demo data: legal rounds, enforced approval rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

DAY = date(2026, 12, 2)
BUDGET = Budget(iterations=300, seed=0)


@pytest.fixture
def demo(demo_db: Database) -> Database:
    """The demo on SQLite (cheap copies); the workflow test also runs on PostgreSQL."""
    return demo_db


@pytest.fixture
def demo_both(demo_any: Database) -> Database:
    """The demo on SQLite and on PostgreSQL, for the tests that write rounds."""
    return demo_any


def _people(db: Database) -> tuple[int, Actor, Actor, Actor]:
    """A crew, one of its collectors, its team's manager and a collector of another team."""
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        member = crew.members[0].user_id
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
        stranger = s.scalar(
            select(m.User.id).where(m.User.role == "collector", m.User.team_id != crew.team_id)
        )
        crew_id = crew.id
    assert manager is not None
    assert stranger is not None
    return crew_id, users.actor(member), users.actor(manager), users.actor(stranger)


def _services(db: Database) -> tuple[PlanningService, RoundService]:
    clock = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
    planning = PlanningService(db.session_factory, EligibilityService(db.session_factory), solve)
    return planning, RoundService(db.session_factory, AuditLog(b"k" * 32, clock), clock)


def test_an_optimised_round_is_legal_and_explains_what_is_left_out(demo: Database) -> None:
    crew, collector, _, _ = _people(demo)
    planning, _ = _services(demo)
    plan = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    assert plan.stops
    assert plan.problems == ()
    assert all(stop.check.fits and stop.status is not Eligibility.BLOCKED for stop in plan.stops)
    assert all(left.reasons or left.route_codes for left in plan.left_out)
    blocked = [
        left for left in plan.left_out if any(r.severity.value == "block" for r in left.reasons)
    ]
    assert blocked  # the demo has cases in blocked states
    assert plan.depart <= plan.stops[0].arrive
    assert plan.break_start is not None
    assert all(s.end <= plan.break_start or s.start >= plan.break_end for s in plan.stops)


def test_pinned_cases_keep_their_order(demo: Database) -> None:
    crew, collector, _, _ = _people(demo)
    planning, _ = _services(demo)
    first = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    pins = (first.stops[-1].case_id, first.stops[0].case_id)
    again = planning.optimise(collector, DayRequest(crew, DAY, pinned=pins), BUDGET)
    order = [s.case_id for s in again.stops if s.case_id in pins]
    assert order == list(pins)
    assert all(s.pinned == (s.case_id in pins) for s in again.stops)


def test_a_manual_order_is_evaluated_as_given_and_its_problems_shown(demo: Database) -> None:
    crew, collector, _, _ = _people(demo)
    planning, _ = _services(demo)
    plan = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    order = [s.case_id for s in plan.stops] * 1
    assert planning.evaluate(collector, DayRequest(crew, DAY), order).problems == ()
    crowded = DayRequest(crew, DAY)
    every = [
        left.case_id
        for left in plan.left_out
        if not left.reasons or all(r.severity.value != "block" for r in left.reasons)
    ][:12]
    result = planning.evaluate(collector, crowded, order + every)
    assert [s.case_id for s in result.stops] == order + every
    assert result.problems  # more visits than the crew's maximum, or past the shift


def test_collectors_plan_only_their_own_crew(demo: Database) -> None:
    crew, _, _, stranger = _people(demo)
    planning, _ = _services(demo)
    with pytest.raises(PermissionDeniedError):
        planning.optimise(stranger, DayRequest(crew, DAY), BUDGET)


def test_save_submit_approve_and_edit_after_approval(demo_both: Database) -> None:
    demo = demo_both
    crew, collector, manager, _ = _people(demo)
    planning, rounds = _services(demo)
    plan = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    saved = rounds.save_draft(collector, plan, None)
    rounds.submit(collector, saved.round_id)
    assert [r.round_id for r in rounds.queue(manager)] == [saved.round_id]
    with pytest.raises(PermissionDeniedError):
        rounds.approve(collector, saved.round_id, "looks fine")
    with pytest.raises(ValidationError):
        rounds.approve(manager, saved.round_id, "")
    approved = rounds.approve(manager, saved.round_id, "exceptions checked")
    assert approved.status is RoundStatus.APPROVED
    edited = rounds.save_draft(collector, plan, approved.version)
    assert edited.approval_withdrawn
    with demo.session_factory() as s:
        decisions = s.scalars(
            select(m.Approval.decision)
            .where(m.Approval.round_id == saved.round_id)
            .order_by(m.Approval.id)
        ).all()
        # Row seals (rows.sealed) follow each action; the actions themselves are compared here.
        actions = s.scalars(
            select(m.AuditEntry.action)
            .where(m.AuditEntry.action.not_like("rows.%"))
            .order_by(m.AuditEntry.seq)
        ).all()
        stored = s.get(m.Round, saved.round_id)
        assert stored is not None
        assert stored.status == RoundStatus.DRAFT
        assert stored.ruleset_hash.startswith("sha256:")
        assert [st.checks["status"] for st in stored.stops] == [p.status.value for p in plan.stops]
    assert decisions == ["approved", "withdrawn"]
    assert actions[-4:] == ["round.submitted", "round.approved", "round.withdrawn", "round.saved"]


def test_a_crew_member_never_approves_their_round(demo: Database) -> None:
    crew, collector, manager, _ = _people(demo)
    planning, rounds = _services(demo)
    with demo.session_factory.begin() as s:
        s.add(m.CrewMember(crew_id=crew, user_id=manager.user_id))
    saved = rounds.save_draft(
        collector, planning.optimise(collector, DayRequest(crew, DAY), BUDGET), None
    )
    rounds.submit(collector, saved.round_id)
    assert rounds.queue(manager) == []
    with pytest.raises(PermissionDeniedError, match="own_round"):
        rounds.approve(manager, saved.round_id, "mine")


def test_a_stale_edit_is_refused(demo: Database) -> None:
    crew, collector, _, _ = _people(demo)
    planning, rounds = _services(demo)
    plan = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    first = rounds.save_draft(collector, plan, None)
    rounds.save_draft(collector, plan, first.version)
    with pytest.raises(ConflictError, match=r"round\.error\.changed_meanwhile"):
        rounds.save_draft(collector, plan, first.version)


def test_a_case_that_cannot_be_planned_is_named_by_its_case_number(demo: Database) -> None:
    crew_id, collector, _, _ = _people(demo)
    planning, _ = _services(demo)
    with demo.session_factory() as s:
        case = s.scalars(
            select(m.Case).where(m.Case.crew_id != crew_id, m.Case.crew_id.is_not(None))
        ).first()
        assert case is not None
        case_id, number = case.id, case.case_number
    with pytest.raises(ValidationError) as refused:
        planning.evaluate(collector, DayRequest(crew_id, DAY), [case_id])
    assert refused.value.message.params["cases"] == number


def test_a_small_day_is_proven_optimal_and_a_large_one_is_not_claimed(demo: Database) -> None:
    crew, collector, _, _ = _people(demo)
    planning, _ = _services(demo)
    everyone = planning.optimise(collector, DayRequest(crew, DAY), BUDGET)
    assert not everyone.optimal  # the crew's whole pool is too large to prove
    few = tuple(stop.case_id for stop in everyone.stops[:6])
    small = planning.optimise(collector, DayRequest(crew, DAY, case_ids=few), Budget(seconds=5))
    assert small.optimal
    assert {stop.case_id for stop in small.stops} == set(few)
