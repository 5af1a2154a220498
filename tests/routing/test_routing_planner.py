"""Planner behaviour: crews, breaks, windows, limits, pins, reasons, determinism, cancel."""

from __future__ import annotations

import pytest

from fieldvisit.routing import engine, planner
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.model import (
    CONFLICTS_REQUIRED,
    LOWER_WEIGHT,
    MAX_VISITS,
    NO_SLOT,
    SHIFT_CAPACITY,
    Plan,
    Problem,
)
from fieldvisit.routing.planner import WARM_START_LIMIT, PlanCancelledError, solve
from tests.routing.factories import crew, problem, visit
from tests.routing.test_routing_exhaustive import random_problem

BUDGET = Budget(iterations=300, seed=0)


def plan_of(p: Problem, budget: Budget = BUDGET) -> Plan:
    plan = solve(p, budget)
    assert check_plan(p, plan) == []
    return plan


def reasons(plan: Plan) -> dict[str, tuple[str, ...]]:
    return {u.visit: u.reasons for u in plan.unscheduled}


def stops(plan: Plan, crew_id: str) -> list[str]:
    return next([s.visit for s in r.stops] for r in plan.routes if r.crew == crew_id)


def test_one_crew_visits_everything_in_the_shortest_order() -> None:
    p = problem([visit("far", 2), visit("near", 1)], [crew()], [0, 10, 20])
    plan = plan_of(p)
    assert stops(plan, "a") in (["near", "far"], ["far", "near"])
    assert plan.travel_seconds == 40


def test_crews_start_and_end_at_their_own_places() -> None:
    p = problem(
        [visit("v1", 1), visit("v2", 2)],
        [crew("a", start=0, end=3), crew("b", start=3, end=0)],
        [0, 10, 20, 30],
    )
    plan = plan_of(p)
    assert plan.travel_seconds == 30 + 30  # each crew drives straight across once
    assert sorted(plan.scheduled_ids()) == ["v1", "v2"]


def test_the_break_is_stated_and_kept_off_visits_and_drives() -> None:
    p = problem(
        [visit("v1", 1, (100, 120), service=100), visit("v2", 2, (250, 300), service=50)],
        [crew(lunch=(200, 300, 30))],
        [0, 10, 20],
    )
    plan = plan_of(p)
    assert plan.routes[0].break_ is not None
    assert plan.routes[0].break_.end - plan.routes[0].break_.start == 30


def test_a_visit_uses_its_later_window_when_the_first_is_taken() -> None:
    p = problem(
        [visit("v1", 1, (100, 100), service=50), visit("v2", 1, (100, 110), (300, 400))],
        [crew()],
        [0, 10],
    )
    plan = plan_of(p)
    start = next(s.start for s in plan.routes[0].stops if s.visit == "v2")
    assert 300 <= start <= 400


def test_max_visits_is_respected_and_reported() -> None:
    p = problem([visit(f"v{i}", 1) for i in range(3)], [crew(max_visits=2)], [0, 10])
    plan = plan_of(p)
    assert len(plan.scheduled_ids()) == 2
    assert list(reasons(plan).values()) == [(MAX_VISITS,)]


def test_allowed_crews_and_crew_size_are_respected() -> None:
    p = problem(
        [visit("only_b", 1, allowed_crews=frozenset({"b"})), visit("two", 2, min_crew_size=2)],
        [crew("a", size=2), crew("b", size=1)],
        [0, 10, 20],
    )
    plan = plan_of(p)
    assert stops(plan, "b") == ["only_b"]
    assert stops(plan, "a") == ["two"]


def test_capacity_is_respected() -> None:
    p = problem(
        [visit(f"v{i}", 1, demand=4) for i in range(3)],
        [crew("a", capacity=8), crew("b", capacity=4)],
        [0, 10],
    )
    plan = plan_of(p)
    assert (len(stops(plan, "a")), len(stops(plan, "b"))) == (2, 1)


def test_unreachable_visit_is_no_slot() -> None:
    p = problem([visit("late", 1, (2000, 2100))], [crew()], [0, 10])
    assert reasons(plan_of(p)) == {"late": (NO_SLOT,)}


def test_equal_weight_visits_competing_for_time_give_shift_capacity() -> None:
    p = problem(
        [visit("x", 1, (100, 100), service=100), visit("y", 2, (150, 150), service=100)],
        [crew()],
        [0, 10, 20],
    )
    assert list(reasons(plan_of(p)).values()) == [(SHIFT_CAPACITY,)]


def test_lighter_visit_gives_way_with_lower_weight() -> None:
    p = problem(
        [
            visit("light", 1, (100, 100), service=100),
            visit("heavy", 2, (150, 150), service=100, priority=50),
        ],
        [crew()],
        [0, 10, 20],
    )
    plan = plan_of(p)
    assert plan.scheduled_ids() == ["heavy"]
    assert reasons(plan) == {"light": (LOWER_WEIGHT,)}


def test_optional_visit_blocked_by_a_required_one_conflicts_required() -> None:
    p = problem(
        [
            visit("opt", 1, (100, 100), service=100, priority=100),
            visit("req", 2, (150, 150), service=100, required=True),
        ],
        [crew()],
        [0, 10, 20],
    )
    plan = plan_of(p)
    assert plan.scheduled_ids() == ["req"]
    assert reasons(plan) == {"opt": (CONFLICTS_REQUIRED,)}


def test_as_many_required_visits_as_possible_when_not_all_fit() -> None:
    p = problem(
        [
            visit("r1", 1, (100, 100), service=100, required=True),
            visit("r2", 2, (150, 150), service=100, required=True, priority=9),
            visit("r3", 1, (300, 300), service=10, required=True),
        ],
        [crew()],
        [0, 10, 20],
    )
    plan = plan_of(p)
    assert sorted(plan.scheduled_ids()) == ["r2", "r3"]
    assert reasons(plan) == {"r1": (CONFLICTS_REQUIRED,)}


def test_pinned_manual_order_is_kept() -> None:
    # Left to itself the crew would go 1, 2, 3; the user pinned 3 before 1.
    p = problem(
        [
            visit("v1", 1, pinned_crew="a", pinned_position=1),
            visit("v2", 2),
            visit("v3", 3, pinned_crew="a", pinned_position=0),
        ],
        [crew()],
        [0, 10, 20, 30],
    )
    order = stops(plan_of(p), "a")
    assert order.index("v3") < order.index("v1")
    assert sorted(order) == ["v1", "v2", "v3"]


def test_same_seed_and_iterations_give_the_same_plan() -> None:
    p = random_problem(7, visits=25, crews=2)
    budget = Budget(iterations=200, seed=3)
    assert plan_of(p, budget) == plan_of(p, budget)


def test_progress_is_reported() -> None:
    seen: list[int] = []
    p = random_problem(5, visits=25, crews=1)  # too many visits for the exact method
    solve(p, Budget(iterations=450), progress=lambda it, cost: seen.append(it))
    assert seen == [200, 400]


def test_cancel_stops_without_a_plan() -> None:
    p = random_problem(9, visits=12, crews=1)
    with pytest.raises(PlanCancelledError):
        solve(p, Budget(seconds=60), cancelled=lambda: True)


def test_several_crews_with_breaks_and_own_depots_get_legal_days() -> None:
    p = random_problem(21, visits=14, crews=2)
    crews = tuple(
        crew(f"c{k}", start=k, end=k + 1, shift=(0, 700), lunch=(250, 450, 60)) for k in range(3)
    )
    many = Problem(p.visits, crews, p.travel)
    plan = plan_of(many, Budget(iterations=500))
    assert all(r.break_ is not None for r in plan.routes)
    assert {u.visit for u in plan.unscheduled} | set(plan.scheduled_ids()) == {
        v.id for v in many.visits
    }


def test_geodesic_travel_feeds_the_planner() -> None:
    from fieldvisit.routing.travel import Point, matrix

    points = [Point(31.2304, 121.4737), Point(31.2401, 121.4990), Point(31.2200, 121.4600)]
    travel = matrix(points)
    day = Problem(
        (visit("v1", 1, (0, 30_000), service=1800), visit("v2", 2, (0, 30_000), service=1800)),
        (crew("a", shift=(0, 36_000)),),
        travel,
    )
    plan = plan_of(day)
    assert plan.travel_seconds % 60 == 0
    assert sorted(plan.scheduled_ids()) == ["v1", "v2"]


@pytest.mark.parametrize("count", [WARM_START_LIMIT - 10, WARM_START_LIMIT + 30])
def test_many_optional_visits_never_put_a_crew_over_its_maximum(count: int) -> None:
    # A visit's prize outweighs any penalty: without a feasible start the search ended with the
    # crew over its maximum (past the warm-start limit), and the checker rejected the plan.
    # Minutes apart, as in a city: the prize of a visit then exceeds the engine's penalty cap.
    visits = [
        visit(str(i), i, (0, 40_000), service=300, priority=i % 3) for i in range(1, count + 1)
    ]
    positions = [60 * i for i in range(count + 1)]
    p = problem(visits, [crew(shift=(0, 40_000), max_visits=10)], positions)
    plan = plan_of(p)
    assert len(stops(plan, "a")) == 10
    weights = sorted((p.visit(v).weight for v in stops(plan, "a")), reverse=True)
    assert weights == sorted((v.weight for v in visits), reverse=True)[:10]  # the heaviest go


class _TickingClock:
    """A clock that advances a fixed step each time it is read: deterministic 'time'."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _optional_day(count: int, crews: int = 2, service: int = 10) -> Problem:
    visits = [
        visit(f"v{i}", i, (0, 5000), priority=(7 * i) % 100, service=service)
        for i in range(1, count + 1)
    ]
    team = [crew(f"c{k}", shift=(0, 3000), lunch=(800, 2000, 120)) for k in range(crews)]
    return problem(visits, team, [0, *range(1, count + 1)])


def test_phases_are_reported_in_order() -> None:
    phases: list[str] = []
    day = _optional_day(30, service=200)  # 6,000 s of visits for two 3,000 s shifts
    plan = solve(day, Budget(iterations=200), on_phase=lambda name, _: phases.append(name))
    # The prize search and the exact polishing take turns (planner.ROUNDS), then travel.
    rounds = ["warm_start", "search", "leftovers", "polish"] * planner.ROUNDS
    assert phases == ["screen", "exact", *rounds, "travel", "reorder", "output"]
    assert 0 < len(plan.scheduled_ids()) < 30


def test_a_day_where_every_visit_fits_goes_straight_to_the_travel_search() -> None:
    # The constructed start makes every visit: no weight is left to search for.
    phases: list[str] = []
    day = _optional_day(30)
    plan = solve(day, Budget(iterations=200), on_phase=lambda name, _: phases.append(name))
    assert phases == ["screen", "exact", "travel", "reorder", "output"]
    assert len(plan.scheduled_ids()) == 30
    assert check_plan(day, plan) == []


def test_every_phase_shares_one_deadline() -> None:
    clock = _TickingClock(0.005)
    seen: dict[str, float] = {}
    day = _optional_day(120, crews=3)
    plan = solve(
        day,
        Budget(seconds=2.0),
        clock=clock,
        on_phase=lambda name, took: seen.setdefault(name, took),
    )
    assert check_plan(day, plan) == []
    assert seen["warm_start"] <= 0.2 * 2.0 + 0.1  # its share, checked once per step
    assert sum(seen.values()) <= 2.0 + 0.3  # output may overrun by what it needs to finish
    assert clock.now <= 2.0 + 0.3


def test_a_spent_deadline_still_yields_a_checked_plan() -> None:
    clock = _TickingClock(1.0)  # every reading costs a second: the deadline passes at once
    day = _optional_day(40)
    plan = solve(day, Budget(seconds=0.5), clock=clock)
    assert check_plan(day, plan) == []
    assert len(plan.scheduled_ids()) + len(plan.unscheduled) == 40


def test_the_prize_search_starts_with_a_violation_dearer_than_any_visit() -> None:
    # PyVRP starts at the midpoint of [min, cap]: one unit of lateness or excess load must cost
    # more than the heaviest optional visit's prize (engine.prizes), or the short search buys it.
    day = _optional_day(12)
    prizes = engine.prizes(day, day.visits, hard_required=True)
    cap = planner._prize_penalty_cap(day, list(day.visits))
    assert cap / 2 > max(prizes.values()) > 0
