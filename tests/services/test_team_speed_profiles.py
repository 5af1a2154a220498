"""A team plan is one solve with one travel profile per distinct crew speed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.planning.team_model import TeamRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.org_settings import set_crew
from tests.services.test_crew_speed import TIGHT, _team

DAY = date(2026, 12, 2)
BUDGET = Budget(iterations=100, seed=0)


def _planned(db: Database) -> tuple[list[rm.Problem], list[int]]:
    """The problems the team plan solved, and team 1's crew ids."""
    with db.session_factory() as s:
        crews = list(s.scalars(select(m.Crew.id).where(m.Crew.team_id == 1).order_by(m.Crew.id)))
        manager = s.scalar(select(m.User.id).where(m.User.role == "manager", m.User.team_id == 1))
    assert manager is not None
    assert len(crews) == 2
    seen: list[rm.Problem] = []

    def planner(problem: rm.Problem, budget: Budget) -> rm.Plan:
        seen.append(problem)
        return solve(problem, budget)

    actor = UserDirectory(db.session_factory).actor(manager)
    plan = _team(db).optimise(
        actor, TeamRequest(DAY, team_id=1, template=TIGHT), BUDGET, planner=planner
    )
    assert all(not crew.broken for crew in plan.crews)
    return seen, crews


def test_crews_at_one_speed_share_exactly_one_matrix(demo_db: Database) -> None:
    seen, _ = _planned(demo_db)
    assert len(seen) == 1
    assert seen[0].more_travel == ()
    assert {c.profile for c in seen[0].crews} == {0}


def test_two_walking_crews_share_one_slow_matrix(demo_db: Database) -> None:
    _, crews = _planned(demo_db)
    for crew in crews:
        set_crew(demo_db, crew, speed_kmh=5.0)
    seen, _ = _planned(demo_db)
    assert len(seen) == 1
    assert len(seen[0].travels) == 1
    assert {c.profile for c in seen[0].crews} == {0}


def test_each_distinct_speed_gets_one_profile_in_one_solve(demo_db: Database) -> None:
    _, crews = _planned(demo_db)
    set_crew(demo_db, crews[1], speed_kmh=5.0)
    seen, _ = _planned(demo_db)
    # One solve (no second pass for the faster crew), one profile per speed.
    assert len(seen) == 1
    problem = seen[0]
    profiles = {c.id: c.profile for c in problem.crews}
    assert len(problem.travels) == 2
    assert profiles == {str(crews[0]): 0, str(crews[1]): 1}
    # The walkers' matrix is six times slower on the same leg (30 vs 5 km/h, whole minutes).
    start, visit = problem.crew(str(crews[1])).start_location, problem.visits[0].location
    quick = problem.travel.seconds[start][visit]
    slow = problem.more_travel[0].seconds[start][visit]
    assert quick > 0
    assert 5 * quick <= slow <= 6 * quick + 60
