"""Exact polishing and the travel search over a fixed visit set only ever improve a plan."""

from __future__ import annotations

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.construct import timed_routes
from fieldvisit.routing.polish import polish
from fieldvisit.routing.reasons import can_go_alone
from fieldvisit.routing.refine import least_travel
from tests.routing.factories import crew, problem, visit
from tests.routing.test_routing_exhaustive import random_problem


def test_a_zigzag_day_is_put_in_order_and_a_heavier_visit_swapped_in() -> None:
    p = problem(
        [visit("a", 1), visit("b", 2), visit("c", 3), visit("heavy", 4, priority=9)],
        [crew(max_visits=3)],
        [0, 10, 20, 30, 40],
    )
    polished = polish(p, {"a": ["c", "a", "b"]}, list(p.visits), None)
    assert "heavy" in polished["a"]
    assert len(polished["a"]) == 3
    assert timed_routes(p, polished)["a"].travel_seconds == 80  # out to 40 and back


@pytest.mark.parametrize("seed", range(600, 606))
def test_the_travel_search_keeps_the_visits_and_never_adds_travel(seed: int) -> None:
    p = random_problem(seed, visits=20, crews=2)
    candidates = [v for v in p.visits if can_go_alone(p, v)]
    start = timed_routes(p, polish(p, {}, candidates, None))
    found = least_travel(p, start, Budget(iterations=300, seed=0), None)
    assert found is not None
    better = timed_routes(p, found)
    ids = sorted(s.visit for r in better.values() for s in r.stops)
    assert ids == sorted(s.visit for r in start.values() for s in r.stops)
    travel = sum(r.travel_seconds for r in better.values())
    assert travel <= sum(r.travel_seconds for r in start.values())
