"""Planning a team's crews together on the demo: a case on one crew, per-crew rules, hand-out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import WARM_START_LIMIT, solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.team import TeamPlanningService
from fieldvisit.services.planning.team_model import TeamPlan, TeamRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

DAY = date(2026, 12, 2)
BUDGET = Budget(iterations=300, seed=0)
CLOCK = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
FULL = DayTemplate()
SHORT = DayTemplate(max_visits=4)  # a short day: one stop more is a sure violation


@dataclass(frozen=True)
class Team:
    team_id: int
    crews: tuple[int, int]
    manager: Actor
    member: Actor  # a collector of the first crew
    team: TeamPlanningService
    rounds: RoundService


def _team(db: Database) -> Team:
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crews = s.scalars(select(m.Crew).where(m.Crew.team_id == 1).order_by(m.Crew.id)).all()
        manager = s.scalar(select(m.User.id).where(m.User.role == "manager", m.User.team_id == 1))
        member = crews[0].members[0].user_id
        ids = (crews[0].id, crews[1].id)
    assert manager is not None
    rounds = RoundService(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    eligibility = EligibilityService(db.session_factory)
    ids_made = (f"team-plan-{n}" for n in itertools.count(1))
    service = TeamPlanningService(
        db.session_factory, eligibility, solve, rounds, new_id=lambda: next(ids_made)
    )
    return Team(1, ids, users.actor(manager), users.actor(member), service, rounds)


@pytest.fixture
def demo(demo_db: Database) -> Database:
    return demo_db


@pytest.fixture
def demo_both(demo_any: Database) -> Database:
    """The demo on SQLite and on PostgreSQL, for the tests that write rounds."""
    return demo_any


def _plan(
    team: Team, template: DayTemplate = FULL, case_ids: tuple[int, ...] | None = None
) -> TeamPlan:
    request = TeamRequest(DAY, team_id=team.team_id, case_ids=case_ids, template=template)
    return team.team.optimise(team.manager, request, BUDGET)


def test_crews_are_planned_together_without_sharing_a_case(demo: Database) -> None:
    team = _team(demo)
    plan = _plan(team)
    assert [c.crew_id for c in plan.crews] == list(team.crews)
    orders = [c.order for c in plan.crews]
    assert all(orders)
    assert set(orders[0]).isdisjoint(orders[1])
    assert plan.problems == ()
    for crew in plan.crews:
        assert crew.plan.crew_id == crew.crew_id
        assert all(s.check.fits and s.status is not Eligibility.BLOCKED for s in crew.plan.stops)
        assert len(crew.order) <= FULL.max_visits
    planned = {case for order in orders for case in order}
    assert planned.isdisjoint(left.case_id for left in plan.left_out)
    assert all(left.reasons or left.route_codes for left in plan.left_out)


def test_every_candidate_is_planned_or_explained_even_past_a_hundred(demo: Database) -> None:
    team = _team(demo)
    plan = _plan(team)
    # Team 1 has more plannable cases than the routing core's warm start takes: none is dropped.
    assert len(plan.request.case_ids) > WARM_START_LIMIT
    planned = {case for crew in plan.crews for case in crew.order}
    explained = {left.case_id for left in plan.left_out}
    assert planned | explained == set(plan.request.case_ids)
    assert all(len(crew.order) <= FULL.max_visits for crew in plan.crews)
    waiting = next(left for left in plan.left_out if left.route_codes)
    moved = team.team.move(team.manager, plan, waiting.case_id, team.crews[0], 0)
    assert moved.crew(team.crews[0]).order[0] == waiting.case_id
    assert waiting.case_id not in {left.case_id for left in moved.left_out}


def test_each_crew_is_judged_with_its_own_size(demo: Database) -> None:
    team = _team(demo)
    small = team.crews[1]
    with demo.session_factory.begin() as s:  # the second crew is down to one collector today
        kept = s.scalars(select(m.CrewMember.user_id).where(m.CrewMember.crew_id == small)).first()
        s.execute(
            delete(m.CrewMember).where(m.CrewMember.crew_id == small, m.CrewMember.user_id != kept)
        )
    eligibility = EligibilityService(demo.session_factory)
    cases = _team_cases(demo)
    big_ok = {
        c.case_id
        for c in eligibility.for_day(team.manager, DAY, team.crews[0], cases).cases
        if not c.blocked
    }
    two_person = [
        c.case_id
        for c in eligibility.for_day(team.manager, DAY, small, cases).cases
        if c.blocked and c.case_id in big_ok
    ]
    assert two_person  # the demo has two-person addresses
    others = [c for c in sorted(big_ok) if c not in two_person][:6]
    plan = _plan(team, case_ids=tuple(two_person[:4] + others))
    assert set(plan.crew(small).order).isdisjoint(two_person)
    assert set(plan.crew(team.crews[0]).order) & set(two_person)
    # Moving a two-person case onto the one-person crew is shown as broken, never accepted.
    case = next(c for c in plan.crew(team.crews[0]).order if c in two_person)
    moved = team.team.move(team.manager, plan, case, small, 0)
    problems = {p.id for p in moved.crew(small).plan.problems}
    assert "round.error.slot_breaks_rules" in problems
    assert moved.crew(small).plan.stops[0].status is Eligibility.BLOCKED
    with pytest.raises(ValidationError, match=r"team_plan\.error\.broken"):
        team.team.hand_out(team.manager, moved)


def _team_cases(db: Database) -> list[int]:
    with db.session_factory() as s:
        return list(s.scalars(select(m.Case.id).where(m.Case.team_id == 1)))


def test_a_move_is_rechecked_on_both_crews_and_undone_by_moving_back(demo: Database) -> None:
    team = _team(demo)
    plan = _plan(team, SHORT)
    first, second = team.crews
    assert len(plan.crew(second).order) == SHORT.max_visits
    case = plan.crew(first).order[0]
    moved = team.team.move(team.manager, plan, case, second, 2)
    assert moved.crew(second).order[2] == case
    assert case not in moved.crew(first).order
    assert "route.violation.max_visits" in {p.id for p in moved.crew(second).plan.problems}
    assert moved.crew(second).broken
    assert not moved.crew(first).broken
    assert moved.crew(first).plan.stops[0].travel_seconds_before > 0  # from the crew's own base
    back = team.team.move(team.manager, moved, case, first, 0)
    assert back.crew(first).order == plan.crew(first).order
    assert back.crew(second).order == plan.crew(second).order
    assert back.problems == ()
    with pytest.raises(ValidationError, match="crew_not_in_plan"):
        team.team.move(team.manager, plan, case, 99, 0)


def test_only_managers_plan_a_team(demo: Database) -> None:
    team = _team(demo)
    request = TeamRequest(DAY, team_id=team.team_id)
    with pytest.raises(PermissionDeniedError):
        team.team.optimise(team.member, request, BUDGET)
    with pytest.raises(ValidationError, match="one_team"):
        team.team.optimise(team.manager, TeamRequest(DAY, crew_ids=(1, 3)), BUDGET)


def test_hand_out_saves_every_round_under_one_team_plan_and_the_builder_approves(
    demo_both: Database,
) -> None:
    db = demo_both
    team = _team(db)
    plan = _plan(team, SHORT)
    saved = list(team.team.hand_out(team.manager, plan).saved.values())
    assert len(saved) == 2
    assert all(s.status is RoundStatus.DRAFT for s in saved)
    with db.session_factory() as s:
        stored = s.scalars(select(m.Round).where(m.Round.plan_date == DAY)).all()
        assert {r.team_plan_id for r in stored} == {"team-plan-1"}
        assert {r.crew_id for r in stored} == set(team.crews)
    first = saved[0].round_id
    team.rounds.submit(team.member, first)
    with pytest.raises(PermissionDeniedError):
        team.rounds.approve(team.member, first, "my own crew")
    approved = team.rounds.approve(team.manager, first, "team plan checked")
    assert approved.status is RoundStatus.APPROVED
    # Re-planning after the hand-out does not count the team's own drafts as other visits.
    again = _plan(team, SHORT)
    assert again.problems == ()
    assert [c.order for c in again.crews] == [c.order for c in plan.crews]


def test_a_stale_round_refuses_the_whole_hand_out(demo_both: Database) -> None:
    db = demo_both
    team = _team(db)
    plan = _plan(team, SHORT)
    # Someone saves the second crew's round after the team plan was made.
    team.rounds.save_draft(team.manager, plan.crew(team.crews[1]).plan, None)
    with pytest.raises(ConflictError, match=r"team_plan\.error\.stale"):
        team.team.hand_out(team.manager, plan)
    with db.session_factory() as s:
        crews = s.scalars(select(m.Round.crew_id).where(m.Round.plan_date == DAY)).all()
        assert crews == [team.crews[1]]  # the first crew's round was not saved either


def test_a_failure_inside_the_hand_out_saves_nothing(
    demo_both: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = demo_both
    team = _team(db)
    plan = _plan(team, SHORT)
    team.rounds.save_draft(team.manager, plan.crew(team.crews[1]).plan, None)
    # The second crew's round changes between the check and the save: the transaction refuses it.
    monkeypatch.setattr(team.rounds, "current_version", lambda _crew, _day: None)
    with pytest.raises(ConflictError, match=r"round\.error\.changed_meanwhile"):
        team.team.hand_out(team.manager, plan)
    with db.session_factory() as s:
        saved = s.scalars(select(m.Round).where(m.Round.plan_date == DAY)).all()
        assert [(r.crew_id, r.team_plan_id) for r in saved] == [(team.crews[1], None)]


def _approved_round(team: Team) -> int:
    """The first crew's own round for the day, submitted by a member and approved."""
    plan = _plan(team, SHORT)
    saved = team.rounds.save_draft(team.manager, plan.crew(team.crews[0]).plan, None)
    team.rounds.submit(team.member, saved.round_id)
    return team.rounds.approve(team.manager, saved.round_id, "checked").round_id


def test_a_hand_out_keeps_an_approved_round_unless_the_manager_withdraws_it(
    demo_both: Database,
) -> None:
    db = demo_both
    team = _team(db)
    approved = _approved_round(team)
    with db.session_factory() as s:
        before = s.get(m.Round, approved)
        assert before is not None
        kept_cases = {stop.case_id for stop in before.stops}
        version = before.version
    plan = _plan(team, SHORT)
    # The approved round's visits count for the other crew: none of its cases goes there.
    assert kept_cases.isdisjoint(plan.crew(team.crews[1]).order)
    held = team.team.held_rounds(team.manager, plan)
    assert [(h.crew_id, h.status) for h in held] == [(team.crews[0], RoundStatus.APPROVED)]
    assert len(held[0].case_numbers) == len(kept_cases)
    done = team.team.hand_out(team.manager, plan)
    assert list(done.saved) == [team.crews[1]]
    assert [h.crew_id for h in done.kept] == [team.crews[0]]
    with db.session_factory() as s:
        after = s.get(m.Round, approved)
        assert after is not None
        assert (after.status, after.version) == (RoundStatus.APPROVED, version)
        decisions = s.scalars(select(m.Approval.decision).where(m.Approval.round_id == approved))
        assert list(decisions) == ["approved"]


def test_a_hand_out_withdraws_an_approval_only_when_asked_to(demo_both: Database) -> None:
    db = demo_both
    team = _team(db)
    approved = _approved_round(team)
    plan = _plan(team, SHORT)
    done = team.team.hand_out(team.manager, plan, withdraw={team.crews[0]})
    assert sorted(done.saved) == sorted(team.crews)
    assert done.saved[team.crews[0]].approval_withdrawn
    with db.session_factory() as s:
        after = s.get(m.Round, approved)
        assert after is not None
        assert after.status == RoundStatus.DRAFT


def test_a_hand_out_never_replaces_a_round_under_way(demo_both: Database) -> None:
    db = demo_both
    team = _team(db)
    approved = _approved_round(team)
    with db.session_factory.begin() as s:
        row = s.get(m.Round, approved)
        assert row is not None
        row.status = RoundStatus.IN_PROGRESS
    plan = _plan(team, SHORT)
    done = team.team.hand_out(team.manager, plan, withdraw={team.crews[0]})
    assert list(done.saved) == [team.crews[1]]
    with db.session_factory() as s:
        after = s.get(m.Round, approved)
        assert after is not None
        assert after.status == RoundStatus.IN_PROGRESS
