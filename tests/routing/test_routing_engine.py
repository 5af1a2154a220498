"""Engine search settings: restarts come later on long budgets; the changed search stays sound."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import replace

import pytest

from fieldvisit.routing import engine
from fieldvisit.routing.budget import LONG_RESTART, SHORT_RESTART, Budget, restart_after
from tests.routing.test_routing_exhaustive import random_problem


def test_long_budgets_restart_later() -> None:
    for short in (Budget(seconds=2), Budget(iterations=5000), Budget(iterations=10**6, seconds=1)):
        assert restart_after(short) == SHORT_RESTART
    for long in (Budget(seconds=10), Budget(iterations=10**6)):
        assert restart_after(long) == LONG_RESTART
    assert SHORT_RESTART < LONG_RESTART


def _long_run(seed: int, required: bool) -> tuple[engine.Orders, bool, int]:
    """A long-budget search, stopped after a fixed number of iterations by the cancel hook."""
    p = random_problem(seed, visits=12, crews=2)
    if required:
        p = dataclasses.replace(p, visits=tuple(replace(v, required=True) for v in p.visits))
    built = engine.build(p, p.visits, hard_required=required)
    assert any(c.prize > 0 for c in built.data.clients()) is not required
    calls = itertools.count()
    return engine.run(built, Budget(seconds=600, seed=seed), cancelled=lambda: next(calls) >= 300)


# Optional visits carry prizes (PyVRP's own penalty start); all required ones none (a low start).
@pytest.mark.parametrize("required", [False, True])
def test_long_budget_search_is_deterministic_and_feasible(required: bool) -> None:
    first = _long_run(0, required)
    assert first == _long_run(0, required)
    orders, feasible, iterations = first
    assert feasible
    assert iterations == 301
    assert sum(len(v) for v in orders.values()) > 0
