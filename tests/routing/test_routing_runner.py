"""The planner runs in a child process: results and progress come back, cancel is immediate."""

from __future__ import annotations

import threading
import time

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.planner import PlanCancelledError
from fieldvisit.routing.runner import solve_in_subprocess
from tests.routing.test_routing_exhaustive import random_problem


def test_subprocess_returns_a_checked_plan_and_progress() -> None:
    problem = random_problem(3, visits=24, crews=2)  # too many visits for the exact method
    seen: list[int] = []
    plan = solve_in_subprocess(
        problem, Budget(iterations=600), progress=lambda it, cost: seen.append(it)
    )
    assert check_plan(problem, plan) == []
    # Every 200 iterations of a search; the rounds of the prize search count on (planner.ROUNDS).
    assert seen[:2] == [200, 400]
    assert seen == sorted(set(seen))


def test_cancel_returns_promptly_without_a_result() -> None:
    problem = random_problem(4, visits=30, crews=2)
    stop = threading.Event()
    started = time.perf_counter()
    threading.Timer(1.5, stop.set).start()
    with pytest.raises(PlanCancelledError):
        solve_in_subprocess(problem, Budget(seconds=120), cancelled=stop.is_set)
    waited = time.perf_counter() - started - 1.5
    assert waited < 1.0  # polled every 50 ms; slack for a loaded CI machine
