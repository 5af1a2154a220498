"""Reasons are true: a visit pushed out by heavier visits says so, even on a full crew."""

from __future__ import annotations

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.model import LOWER_WEIGHT, MAX_VISITS, Plan, Problem
from fieldvisit.routing.planner import solve
from fieldvisit.routing.schedule import best_insertion
from tests.routing.factories import crew, problem, visit
from tests.routing.test_routing_exhaustive import random_problem

BUDGET = Budget(iterations=300, seed=0)


def reasons(plan: Plan) -> dict[str, tuple[str, ...]]:
    return {u.visit: u.reasons for u in plan.unscheduled}


def test_a_full_crew_of_heavier_visits_is_lower_weight_not_max_visits() -> None:
    p = problem(
        [visit("heavy", 1, priority=50), visit("heavier", 2, priority=60), visit("light", 3)],
        [crew(max_visits=2)],
        [0, 10, 20, 30],
    )
    plan = solve(p, BUDGET)
    assert check_plan(p, plan) == []
    assert sorted(plan.scheduled_ids()) == ["heavier", "heavy"]
    assert reasons(plan) == {"light": (LOWER_WEIGHT,)}


def test_a_full_crew_of_equal_visits_is_max_visits() -> None:
    p = problem([visit(f"v{i}", 1, priority=5) for i in range(3)], [crew(max_visits=2)], [0, 10])
    assert list(reasons(solve(p, BUDGET)).values()) == [(MAX_VISITS,)]


def lighter_swaps(p: Problem, plan: Plan) -> list[tuple[str, str]]:
    """(left out, scheduled) pairs where the left-out visit fits in place of the lighter one."""
    by_id = {v.id: v for v in p.visits}
    found = []
    for left in plan.unscheduled:
        visit_out = by_id[left.visit]
        for route in plan.routes:
            team = p.crew(route.crew)
            order = [by_id[s.visit] for s in route.stops]
            if not p.may_serve(team, visit_out):
                continue
            for taken in order:
                if taken.required or taken.pinned_crew or taken.weight >= visit_out.weight:
                    continue
                rest = [v for v in order if v is not taken]
                if best_insertion(p, team, rest, visit_out) is not None:
                    found.append((visit_out.id, taken.id))
    return found


@pytest.mark.parametrize(("seed", "visits"), [(s, n) for s in range(6) for n in (12, 30)])
def test_no_visit_is_left_out_where_it_could_replace_a_lighter_one(seed: int, visits: int) -> None:
    # 12 visits go to the exact method, 30 to the heuristic: both must leave no such swap.
    p = random_problem(500 + seed, visits=visits, crews=2)
    plan = solve(p, BUDGET)
    assert lighter_swaps(p, plan) == []
