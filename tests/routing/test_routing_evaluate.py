"""Manual orders are evaluated as given; re-planning starts from now without finished stops."""

from __future__ import annotations

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.evaluate import evaluate_order, replan_problem
from fieldvisit.routing.model import ProblemError
from fieldvisit.routing.planner import solve
from tests.routing.factories import crew, problem, visit

P = problem(
    [visit("v1", 1, (0, 500)), visit("v2", 2, (0, 100)), visit("v3", 3)],
    [crew(lunch=(300, 600, 30))],
    [0, 10, 20, 30],
)


def test_legal_manual_order_gets_etas_in_that_order() -> None:
    result = evaluate_order(P, "a", ["v3", "v1", "v2"])
    assert [s.visit for s in result.route.stops] == ["v3", "v1", "v2"]
    assert result.ok
    assert result.route.travel_seconds == 30 + 20 + 10 + 20


def test_manual_order_that_misses_a_window_is_flagged_not_reordered() -> None:
    slow = problem([visit("v1", 1, service=200), visit("v2", 2, (0, 100))], [crew()], [0, 10, 20])
    result = evaluate_order(slow, "a", ["v1", "v2"])
    assert [s.visit for s in result.route.stops] == ["v1", "v2"]
    assert [(v.kind, v.visit) for v in result.violations] == [("window", "v2")]


def test_manual_order_over_max_visits_is_flagged() -> None:
    limited = problem([visit("v1", 1), visit("v2", 2)], [crew(max_visits=1)], [0, 10, 20])
    kinds = {v.kind for v in evaluate_order(limited, "a", ["v1", "v2"]).violations}
    assert kinds == {"max_visits"}


def test_manual_order_with_no_room_for_the_break_is_flagged() -> None:
    busy = problem([visit("v1", 1, (290, 290), service=200)], [crew(lunch=(300, 400, 30))], [0, 10])
    kinds = {v.kind for v in evaluate_order(busy, "a", ["v1"]).violations}
    assert kinds == {"break"}


def test_replan_starts_at_the_given_time_and_place_without_finished_visits() -> None:
    rest = replan_problem(P, "a", now=200, location=1, finished=["v1"], break_taken=False)
    assert [v.id for v in rest.visits] == ["v2", "v3"]
    assert rest.crews[0].start_location == 1
    assert rest.crews[0].shift.start == 200
    plan = solve(rest, Budget(iterations=100))
    assert [u.visit for u in plan.unscheduled] == ["v2"]  # its window closed at 100
    assert all(s.start >= 200 for s in plan.routes[0].stops)


def test_replan_drops_a_break_already_taken() -> None:
    rest = replan_problem(P, "a", now=400, location=2, finished=[], break_taken=True)
    assert rest.crews[0].break_rule is None


def test_replan_refuses_a_break_that_can_no_longer_fit() -> None:
    with pytest.raises(ProblemError, match="break"):
        replan_problem(P, "a", now=590, location=2, finished=[], break_taken=False)
