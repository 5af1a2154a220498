"""The independent checker catches every kind of violation (one mutation of a legal plan each)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from fieldvisit.routing.checker import PlanRejectedError, assert_valid, check_plan
from fieldvisit.routing.model import BreakRule, Interval, Plan, Problem, Route, Stop, Unscheduled
from tests.routing.factories import crew, problem, visit

# Places 0 (office), 1 at 100 s, 2 at 200 s; lunch 300-500, 60 s; both visits any time.
PROBLEM = problem(
    [visit("v1", 1, service=50), visit("v2", 2, (0, 600), service=50)],
    [crew("a", lunch=(300, 500, 60), max_visits=2)],
    [0, 100, 200],
)
# 0 -100-> v1 [100,150) -100-> v2 [250,300) -> lunch [300,360) -200-> office at 560.
LEGAL = Plan(
    (
        Route(
            "a",
            0,
            (Stop("v1", 100, 100, 150), Stop("v2", 250, 250, 300)),
            560,
            Interval(300, 360),
            400,
            4000,
        ),
    ),
)


def _route(plan: Plan, **changes: object) -> Plan:
    return Plan((dataclasses.replace(plan.routes[0], **changes),), plan.unscheduled)


def _stop(plan: Plan, index: int, **changes: object) -> Plan:
    stops = list(plan.routes[0].stops)
    stops[index] = dataclasses.replace(stops[index], **changes)
    return _route(plan, stops=tuple(stops))


def test_the_reference_plan_is_legal() -> None:
    assert check_plan(PROBLEM, LEGAL) == []


MUTATIONS: dict[str, tuple[str, Callable[[Plan], Plan]]] = {
    "missing visit": ("coverage", lambda p: _route(p, stops=p.routes[0].stops[:1])),
    "visit twice": (
        "coverage",
        lambda p: Plan(p.routes, (Unscheduled("v1", ("route.no_slot",)),)),
    ),
    "arrives too early": ("travel", lambda p: _stop(p, 1, arrive=200, start=200, end=250)),
    "starts before arriving": ("travel", lambda p: _stop(p, 0, start=90, end=140)),
    "returns too early": ("travel", lambda p: _route(p, return_=400)),
    "wrong service length": ("service", lambda p: _stop(p, 1, end=290)),
    "outside its window": ("window", lambda p: _stop(p, 1, arrive=650, start=650, end=700)),
    "departs before shift": ("shift", lambda p: _route(p, depart=-10)),
    "returns after shift": ("shift", lambda p: _route(p, return_=1001)),
    "break missing": ("break", lambda p: _route(p, break_=None)),
    "break too short": ("break", lambda p: _route(p, break_=Interval(300, 330))),
    "break before its window": ("break", lambda p: _route(p, break_=Interval(200, 260))),
    "break overlaps a visit": ("break", lambda p: _route(p, break_=Interval(280, 340))),
    "break overlaps the drive": ("break", lambda p: _route(p, break_=Interval(400, 460))),
    "travel totals wrong": ("totals", lambda p: _route(p, travel_seconds=399)),
    "unknown crew": ("crew", lambda p: _route(p, crew="zz")),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_violation_is_caught(case: str) -> None:
    kind, mutate = MUTATIONS[case]
    kinds = {v.kind for v in check_plan(PROBLEM, mutate(LEGAL))}
    assert kind in kinds


def _with(base: Problem, **crew_changes: object) -> Problem:
    changed = dataclasses.replace(base.crews[0], **crew_changes)
    return Problem(base.visits, (changed,), base.travel)


def test_max_visits_is_caught() -> None:
    assert "max_visits" in {v.kind for v in check_plan(_with(PROBLEM, max_visits=1), LEGAL)}


def test_crew_size_is_caught() -> None:
    needs_two = dataclasses.replace(PROBLEM.visits[0], min_crew_size=2)
    bigger = Problem((needs_two, PROBLEM.visits[1]), PROBLEM.crews, PROBLEM.travel)
    assert "crew_size" in {v.kind for v in check_plan(bigger, LEGAL)}


def test_crew_not_allowed_is_caught() -> None:
    other = dataclasses.replace(PROBLEM.visits[0], allowed_crews=frozenset({"b"}))
    crews = (*PROBLEM.crews, crew("b"))
    restricted = Problem((other, PROBLEM.visits[1]), crews, PROBLEM.travel)
    assert "crew" in {v.kind for v in check_plan(restricted, LEGAL)}


def test_capacity_is_caught() -> None:
    heavy = tuple(dataclasses.replace(v, demand=5) for v in PROBLEM.visits)
    small = dataclasses.replace(PROBLEM.crews[0], capacity=9)
    assert "capacity" in {
        v.kind for v in check_plan(Problem(heavy, (small,), PROBLEM.travel), LEGAL)
    }


def test_break_without_a_rule_is_caught() -> None:
    assert "break" in {v.kind for v in check_plan(_with(PROBLEM, break_rule=None), LEGAL)}


def test_break_before_the_drive_home_is_legal() -> None:
    assert check_plan(PROBLEM, _route(LEGAL, break_=Interval(300, 360))) == []


def test_break_after_the_return_is_legal() -> None:
    late_lunch = _with(PROBLEM, break_rule=BreakRule(300, 600, 60))
    assert check_plan(late_lunch, _route(LEGAL, return_=500, break_=Interval(500, 560))) == []


def test_break_splitting_a_drive_is_caught() -> None:
    # The 200 s drive home fits in 300-560 only around the break, in two pieces.
    plan = _route(LEGAL, break_=Interval(440, 500))
    assert "break" in {v.kind for v in check_plan(PROBLEM, plan)}


def test_assert_valid_raises_with_the_violations() -> None:
    with pytest.raises(PlanRejectedError) as caught:
        assert_valid(PROBLEM, _route(LEGAL, return_=1001))
    assert caught.value.violations[0].kind == "shift"
