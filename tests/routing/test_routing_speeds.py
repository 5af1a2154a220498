"""Crews at different travel speeds in one problem: each times, plans and is judged on its own."""

from __future__ import annotations

import dataclasses

import pytest

from fieldvisit.routing import decompose, engine
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan, check_route
from fieldvisit.routing.evaluate import evaluate_order
from fieldvisit.routing.model import Problem, ProblemError, TravelMatrix
from fieldvisit.routing.planner import solve
from fieldvisit.routing.schedule import schedule_route
from tests.routing.factories import crew, visit

SLOWER = 3  # the slow crew needs three times as long for every leg


def _matrix(positions: list[int], factor: int) -> TravelMatrix:
    """Seconds = factor x |a - b|; metres = 10 x |a - b| (the road is the same at any speed)."""
    seconds = [[factor * abs(a - b) for b in positions] for a in positions]
    meters = [[10 * abs(a - b) for b in positions] for a in positions]
    return TravelMatrix.of(seconds, meters)


def _day(near: int = 4, far: int = 2) -> Problem:
    """Both crews start at 0; ``near`` visits at 50, ``far`` ones at 400.

    A round trip to 400 takes the fast crew 800 s and the slow one 2,400 s, more than its
    1,000 s shift: only the fast crew can make the far visits. Both crews could make the near
    ones, so a planner that timed everyone alike would have no reason to keep them apart.
    """
    positions = [0] + [50] * near + [400] * far
    visits = [visit(f"near{i}", 1 + i, service=60) for i in range(near)]
    visits += [visit(f"far{i}", 1 + near + i, service=60, priority=5) for i in range(far)]
    crews = (crew("slow", profile=1), crew("fast"))
    return Problem(tuple(visits), crews, _matrix(positions, 1), (_matrix(positions, SLOWER),))


def test_two_crews_get_different_etas_for_the_same_stop() -> None:
    day = _day()
    slow = evaluate_order(day, "slow", ["near0"]).route
    fast = evaluate_order(day, "fast", ["near0"]).route
    assert fast.stops[0].arrive - fast.depart == 50
    assert slow.stops[0].arrive - slow.depart == 50 * SLOWER
    assert (fast.travel_seconds, slow.travel_seconds) == (100, 100 * SLOWER)
    # The same road: metres do not depend on the speed.
    assert fast.travel_meters == slow.travel_meters == 1000
    far = day.visit("far0")
    assert schedule_route(day, day.crew("fast"), [far]) is not None
    assert schedule_route(day, day.crew("slow"), [far]) is None


def test_the_checker_judges_a_route_at_its_own_crews_speed() -> None:
    day = _day()
    fast_route = evaluate_order(day, "fast", ["near0", "near1"]).route
    assert check_route(day, day.crew("fast"), fast_route) == []
    as_slow = dataclasses.replace(fast_route, crew="slow")
    kinds = {v.kind for v in check_route(day, day.crew("slow"), as_slow)}
    assert {"travel", "totals"} <= kinds


def _assert_far_visits_on_the_fast_crew(day: Problem, orders: dict[str, list[str]]) -> None:
    far = {v.id for v in day.visits if v.id.startswith("far")}
    assert far <= set(orders["fast"])
    assert not far & set(orders["slow"])
    # Every visit is made: the slow crew takes the near ones the fast crew has no time left for.
    assert {v for order in orders.values() for v in order} == {v.id for v in day.visits}
    assert orders["slow"]


def test_the_planner_gives_the_far_visits_to_the_only_crew_fast_enough() -> None:
    # The fast crew's day: 800 s of driving to 400 and back and two far visits of 60 s leave
    # room for one near visit; the slow crew (300 s of driving) must take the rest.
    day = _day(near=8)
    plan = solve(day, Budget(iterations=200, seed=0))
    assert check_plan(day, plan) == []
    _assert_far_visits_on_the_fast_crew(
        day, {r.crew: [s.visit for s in r.stops] for r in plan.routes}
    )
    slow = next(r for r in plan.routes if r.crew == "slow")
    assert slow.stops[0].arrive - slow.depart == 50 * SLOWER


def test_the_engine_carries_one_pyvrp_profile_per_speed() -> None:
    day = _day(near=8)
    built = engine.build(day, day.visits, hard_required=False)
    assert built.data.num_profiles == 2
    assert sorted(t.profile for t in built.data.vehicle_types()) == [0, 1]
    orders, feasible, _ = engine.run(built, Budget(iterations=300, seed=0))
    assert feasible
    _assert_far_visits_on_the_fast_crew(day, orders)


def test_crews_at_one_speed_share_one_profile() -> None:
    day = _day()
    one = Problem(day.visits, (crew("a"), crew("b")), day.travel)
    assert len(one.travels) == 1
    assert engine.build(one, one.visits, hard_required=False).data.num_profiles == 1


def test_a_crew_naming_a_missing_profile_is_refused() -> None:
    day = _day()
    with pytest.raises(ProblemError, match="crew x: no travel profile 2"):
        Problem(day.visits, (crew("x", profile=2),), day.travel, day.more_travel)
    with pytest.raises(ProblemError, match="same places"):
        Problem(day.visits, day.crews, day.travel, (_matrix([0, 1], SLOWER),))


def test_a_part_keeps_only_the_profiles_its_crews_use() -> None:
    day = _day()
    alone = day.with_crews([day.crew("slow")])
    assert alone.more_travel == ()
    assert alone.crews[0].profile == 0
    assert alone.travel is day.more_travel[0]


def test_a_large_mixed_day_planned_by_parts_keeps_each_crews_speed() -> None:
    # Many copies of the small day, more far visits than a fast crew can make (three fit its
    # day): a slow crew timed at the fast speed would take the rest, at its own it cannot.
    pairs, near, far = 6, 56, 12
    positions: list[int] = []
    visits, crews = [], []
    for k in range(pairs):
        base = 10_000 * k
        crews += [
            crew(f"slow{k}", start=len(positions), profile=1),
            crew(f"fast{k}", start=len(positions) + 1),
        ]
        positions += [base, base]
    for k in range(pairs):
        base = 10_000 * k
        for i in range(near):
            visits.append(visit(f"n{k}.{i}", len(positions), service=60))
            positions.append(base + 50)
        for i in range(far):
            visits.append(visit(f"f{k}.{i}", len(positions), service=60, priority=5))
            positions.append(base + 400)
    day = Problem(tuple(visits), tuple(crews), _matrix(positions, 1), (_matrix(positions, SLOWER),))
    assert decompose.applies(day)
    plan = solve(day, Budget(iterations=50, seed=0))
    assert check_plan(day, plan) == []
    for route in plan.routes:
        far_here = [s.visit for s in route.stops if s.visit.startswith("f")]
        if route.crew.startswith("slow"):
            assert far_here == []
        else:
            assert len(far_here) == 3
