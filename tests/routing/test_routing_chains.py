"""A left-out visit that only a full crew may make is taken by moving one of its visits on."""

from __future__ import annotations

from fieldvisit.routing.construct import improve_by_chains, timed_routes
from tests.routing.factories import crew, problem, visit


def _orders(routes: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {c: [s.visit for s in r.stops] for c, r in routes.items()}


def test_the_heavy_visit_is_taken_by_moving_the_light_one_to_the_crew_with_room() -> None:
    # Only crew "a" (two people) may make "heavy"; it has room for one visit and holds "light",
    # which crew "b" could make as well. A 1-for-1 swap would lose "light"; the chain keeps both.
    p = problem(
        [visit("light", 1, priority=1), visit("heavy", 2, priority=9, min_crew_size=2)],
        [crew("a", max_visits=1, size=2), crew("b", max_visits=1)],
        [0, 10, 20],
    )
    start = timed_routes(p, {"a": ["light"], "b": []})
    after = _orders(improve_by_chains(p, start, list(p.visits)))
    assert after == {"a": ["heavy"], "b": ["light"]}


def test_a_lighter_visit_of_the_receiving_crew_makes_room_only_when_that_gains() -> None:
    lighter = visit("lighter", 3, priority=2)
    p = problem(
        [visit("light", 1, priority=5), visit("heavy", 2, priority=9, min_crew_size=2), lighter],
        [crew("a", max_visits=1, size=2), crew("b", max_visits=1)],
        [0, 10, 20, 30],
    )
    start = timed_routes(p, {"a": ["light"], "b": ["lighter"]})
    after = _orders(improve_by_chains(p, start, list(p.visits)))
    assert after == {"a": ["heavy"], "b": ["light"]}  # 9 + 5 against 5 + 2


def test_no_chain_is_taken_that_does_not_gain() -> None:
    p = problem(
        [visit("light", 1, priority=5), visit("heavy", 2, priority=4, min_crew_size=2)],
        [crew("a", max_visits=1, size=2), crew("b", max_visits=1)],
        [0, 10, 20],
    )
    heavier = visit("heavier", 3, priority=6)
    p = problem([*p.visits, heavier], p.crews, [0, 10, 20, 30])
    start = timed_routes(p, {"a": ["light"], "b": ["heavier"]})
    assert improve_by_chains(p, start, list(p.visits)) is start
