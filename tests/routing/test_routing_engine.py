"""Engine search settings: restarts come later on long budgets; the changed search stays sound."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import replace

import pytest

from fieldvisit.routing import engine
from fieldvisit.routing.budget import LONG_RESTART, SHORT_RESTART, Budget, restart_after
from fieldvisit.routing.model import Problem
from tests.routing.factories import crew, problem, visit
from tests.routing.test_routing_exhaustive import random_problem


def test_long_budgets_restart_later() -> None:
    for short in (Budget(seconds=2), Budget(iterations=5000), Budget(iterations=10**6, seconds=1)):
        assert restart_after(short) == SHORT_RESTART
    for long in (Budget(seconds=10), Budget(iterations=10**6)):
        assert restart_after(long) == LONG_RESTART
    assert SHORT_RESTART < LONG_RESTART


def _long_run(seed: int, required: bool) -> tuple[engine.Orders, bool, int]:
    """A long-budget search, stopped after a fixed number of iterations by the cancel hook.

    One search: side by side, two would share the hook's count in no fixed order.
    """
    p = random_problem(seed, visits=12, crews=2)
    if required:
        p = dataclasses.replace(p, visits=tuple(replace(v, required=True) for v in p.visits))
    built = engine.build(p, p.visits, hard_required=required)
    assert any(c.prize > 0 for c in built.data.clients()) is not required
    calls = itertools.count()
    return engine.run(built, Budget(seconds=600, seed=seed), cancelled=lambda: next(calls) >= 300)


# Optional visits carry prizes (PyVRP's own penalty start); all required ones none (a low start).
@pytest.mark.parametrize("required", [False, True])
def test_long_budget_search_is_deterministic_and_feasible(
    required: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "SEARCHES", 1)
    first = _long_run(0, required)
    assert first == _long_run(0, required)
    orders, feasible, iterations = first
    assert feasible
    assert iterations == 301
    assert sum(len(v) for v in orders.values()) > 0


def _cost(p: Problem, orders: engine.Orders) -> tuple[int, int]:
    """(weight left out, travel) of ``orders``: what the search minimises, in its order."""
    made = {v for order in orders.values() for v in order}
    left = sum(v.weight for v in p.visits if v.id not in made)
    seconds = p.travel.seconds
    travel = 0
    for c in p.crews:
        places = [c.start_location, *(p.visit(v).location for v in orders.get(c.id, []))]
        travel += sum(seconds[a][b] for a, b in itertools.pairwise([*places, c.end_location]))
    return left, travel


@pytest.mark.parametrize("seed", range(6))
def test_side_by_side_searches_keep_the_best_of_their_seeds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = random_problem(seed, visits=14, crews=2)
    built = engine.build(p, p.visits, hard_required=False)
    budget = Budget(iterations=60, seed=seed)
    monkeypatch.setattr(engine, "SEARCHES", 1)
    alone = [
        engine.run(built, replace(budget, seed=seed + k * engine.SEED_STRIDE)) for k in range(2)
    ]
    monkeypatch.setattr(engine, "SEARCHES", 2)
    both = engine.run(built, budget)
    assert both[1]
    assert all(feasible for _, feasible, _ in alone)
    assert _cost(p, both[0]) == min(_cost(p, orders) for orders, _, _ in alone)
    assert both[0] in [orders for orders, _, _ in alone]


def _lunch_day(visits: int, crews: int) -> Problem:
    positions = [0, *range(1, visits + 1)]
    return problem(
        [visit(f"v{i}", i, (0, 2000)) for i in range(1, visits + 1)],
        [crew(f"c{k}", shift=(0, 3000), lunch=(500, 1500, 100)) for k in range(crews)],
        positions,
    )


def _break_stops(built: engine._Built) -> int:
    return sum(1 for name in built.client_visit if name is None)


def test_break_model_size_does_not_grow_with_visits() -> None:
    sizes = []
    for count in (20, 200, 800):
        day = _lunch_day(count, crews=3)
        sizes.append(_break_stops(engine.build(day, day.visits, hard_required=False)))
    assert sizes[0] == sizes[1] == sizes[2] <= 3 * engine.BREAK_PLACES


def test_break_places_keep_the_warm_starts_place() -> None:
    day = _lunch_day(200, crews=1)
    warm = engine.Warm({"c0": ["v150"]}, {"v150": 0}, {"c0": (1, 150)})
    built = engine.build(day, day.visits, hard_required=False, warm=warm)
    assert ("c0", 150) in built.break_client


def test_engine_sees_only_the_places_in_use() -> None:
    day = _lunch_day(30, crews=1)
    built = engine.build(day, day.visits[:5], hard_required=False)
    assert built.data.num_locations < day.travel.size
