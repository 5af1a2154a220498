"""The exact method: equals brute force, keeps every rule, proves what the heuristic misses."""

from __future__ import annotations

import pytest

from fieldvisit.routing import exact, planner
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.model import Plan, Problem
from fieldvisit.routing.planner import solve
from fieldvisit.routing.reasons import can_go_alone
from tests.routing.factories import crew, problem, visit
from tests.routing.test_routing_exhaustive import exhaustive_best, random_problem

BUDGET = Budget(iterations=200, seed=0)


def value(p: Problem, plan: Plan) -> tuple[int, int, int]:
    return plan.required_scheduled(p), plan.weight(p), -plan.travel_seconds


def exact_value(p: Problem, known: tuple[int, int] = (0, 0)) -> tuple[int, int, int]:
    candidates = [v for v in p.visits if can_go_alone(p, v)]
    found = exact.solve_exact(p, candidates, known)
    assert found is not None
    return found.value


@pytest.mark.parametrize("seed", range(40))
def test_one_crew_equals_brute_force(seed: int) -> None:
    p = random_problem(seed, visits=7, crews=1)
    assert exact_value(p) == exhaustive_best(p)


@pytest.mark.parametrize("seed", range(200, 220))
def test_two_crews_equal_brute_force(seed: int) -> None:
    p = random_problem(seed, visits=5, crews=2)
    assert exact_value(p) == exhaustive_best(p)


@pytest.mark.parametrize("seed", range(300, 310))
def test_a_known_plan_prunes_without_changing_the_optimum(seed: int) -> None:
    p = random_problem(seed, visits=7, crews=1)
    best = exhaustive_best(p)
    assert exact_value(p, known=(best[0], best[1])) == best


@pytest.mark.parametrize("seed", range(400, 420))
def test_the_checker_accepts_every_exact_plan(seed: int) -> None:
    p = random_problem(seed, visits=12, crews=1 + seed % 2)
    plan = solve(p, BUDGET)
    assert plan.optimal
    assert check_plan(p, plan) == []


def test_exact_finds_the_optimum_where_the_heuristic_alone_misses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = random_problem(1, visits=13, crews=2)
    proven = solve(p, BUDGET)
    with monkeypatch.context() as patch:
        # The search alone: no exact attempt and none of the exact polishing after it.
        patch.setattr(exact, "applies", lambda *_: False)
        patch.setattr(planner, "polish", lambda _p, orders, *_, **__: orders)
        heuristic = solve(p, BUDGET)
    assert not heuristic.optimal
    assert proven.optimal
    # The search misses two units of weight here even as two searches side by side
    # (engine.SEARCHES); the exact method is checked against brute force above.
    assert value(p, heuristic)[:2] == (3, 25)
    assert value(p, proven)[:2] == (3, 27)
    assert check_plan(p, proven) == []


def test_the_second_window_and_the_break_are_used_when_that_pays() -> None:
    # "late" can only start at 300-320 (first window 10-20 is unreachable after "early"); the
    # break (60 s inside 100-400) must then go between "early" and "late", not after "late".
    p = problem(
        [
            visit("early", 1, (0, 40), service=50, priority=5),
            visit("late", 2, (10, 20), (300, 320), service=50, priority=5),
        ],
        [crew(shift=(0, 500), lunch=(100, 400, 60))],
        [0, 20, 40],
    )
    plan = solve(p, BUDGET)
    assert plan.optimal
    assert not plan.unscheduled
    start = {s.visit: s.start for s in plan.routes[0].stops}
    assert 300 <= start["late"] <= 320
    brk = plan.routes[0].break_
    assert brk is not None
    assert brk.end <= start["late"]
    assert check_plan(p, plan) == []


def test_max_visits_crew_size_and_pins_hold() -> None:
    p = problem(
        [
            visit("big", 1, priority=50, min_crew_size=2),
            visit("p1", 2, priority=1, pinned_crew="solo", pinned_position=1),
            visit("p0", 3, priority=1, pinned_crew="solo", pinned_position=0),
            visit("x", 4, priority=9),
            visit("y", 5, priority=8),
        ],
        [crew("solo", max_visits=4), crew("pair", size=2, max_visits=1)],
        [0, 10, 20, 30, 40, 50],
    )
    plan = solve(p, BUDGET)
    assert plan.optimal
    assert check_plan(p, plan) == []
    routes = {r.crew: [s.visit for s in r.stops] for r in plan.routes}
    assert routes["pair"] == ["big"]
    assert routes["solo"].index("p0") < routes["solo"].index("p1")
    assert sorted(routes["solo"]) == ["p0", "p1", "x", "y"]


def test_a_day_too_large_falls_back_to_the_heuristic(monkeypatch: pytest.MonkeyPatch) -> None:
    p = random_problem(8, visits=9, crews=2)
    monkeypatch.setattr(exact, "LABEL_BUDGET", 10)
    candidates = [v for v in p.visits if can_go_alone(p, v)]
    assert exact.solve_exact(p, candidates) is None
    plan = solve(p, BUDGET)
    assert not plan.optimal
    assert check_plan(p, plan) == []


def test_an_exact_attempt_past_its_deadline_gives_up() -> None:
    p = random_problem(8, visits=9, crews=2)
    candidates = [v for v in p.visits if can_go_alone(p, v)]
    assert exact.solve_exact(p, candidates, deadline=0.0) is None
