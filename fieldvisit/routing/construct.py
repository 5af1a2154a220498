"""Greedy insertion: a fast warm start for the engine and a last pass for visits that still fit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fieldvisit.routing.engine import Warm
from fieldvisit.routing.model import Crew, Problem, Route, Visit
from fieldvisit.routing.schedule import best_insertion, legal_route

Orders = dict[str, list[str]]


def rank(visit: Visit) -> tuple[int, int, int]:
    # Required first, then heavier; among equals the tighter total window first (harder to place).
    slack = sum(w.end - w.start for w in visit.windows)
    return (0 if visit.required else 1, -visit.weight, slack)


def insert_greedily(
    problem: Problem,
    orders: Orders,
    candidates: Iterable[Visit],
    expired: Callable[[], bool] | None = None,
) -> Orders:
    """Insert each candidate (required, then heaviest first) where it adds the least travel.

    Stops early, with the insertions made so far, once ``expired()`` is true.
    """
    result = {c.id: list(orders.get(c.id, [])) for c in problem.crews}
    by_id = {v.id: v for v in problem.visits}
    for visit in sorted(candidates, key=rank):
        if expired is not None and expired():
            break
        best: tuple[int, int, str] | None = None
        for crew in problem.crews:
            if not problem.may_serve(crew, visit):
                continue
            route = [by_id[v] for v in result[crew.id]]
            found = best_insertion(problem, crew, route, visit)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], found[1], crew.id)
        if best is not None:
            result[best[2]].insert(best[1], visit.id)
    return result


def timed_routes(problem: Problem, orders: Orders) -> dict[str, Route]:
    """Schedule every crew's order, dropping the lightest visits of an order that is not legal.

    The engine's orders are normally feasible as they are. Dropping is a safety net for matrices
    that break the triangle inequality (a break stop's detour then differs from the direct drive)
    and for a search that ended on an infeasible best solution (many optional visits and no warm
    start: a crew over its maximum of visits); the leftovers are inserted again legally later.
    """
    by_id = {v.id: v for v in problem.visits}
    routes: dict[str, Route] = {}
    for crew in problem.crews:
        order = [by_id[v] for v in orders.get(crew.id, [])]
        route = legal_route(problem, crew, order)
        while route is None and order:
            lightest = min(order, key=lambda v: (not v.required, v.weight))
            order.remove(lightest)
            route = legal_route(problem, crew, order)
        if route is None:
            raise RuntimeError(f"crew {crew.id} has no legal empty day: check its shift and break")
        routes[crew.id] = route
    return routes


def warm_start(problem: Problem, routes: dict[str, Route]) -> Warm:
    """The engine's start from timed routes: window of each visit and place of each break."""
    by_id = {v.id: v for v in problem.visits}
    windows: dict[str, int] = {}
    breaks: dict[str, tuple[int, int]] = {}
    for crew_id, route in routes.items():
        for stop in route.stops:
            spans = sorted(by_id[stop.visit].windows, key=lambda w: w.start)
            windows[stop.visit] = next(i for i, w in enumerate(spans) if w.contains(stop.start))
        if route.break_ is not None:
            breaks[crew_id] = _break_slot(problem, route, by_id)
    orders = {cid: [s.visit for s in r.stops] for cid, r in routes.items()}
    return Warm(orders, windows, breaks)


def _break_slot(problem: Problem, route: Route, by_id: dict[str, Visit]) -> tuple[int, int]:
    """Position and place of the break: where the crew stands while it takes it."""
    crew = problem.crew(route.crew)
    assert route.break_ is not None
    places = [crew.start_location, *(by_id[s.visit].location for s in route.stops)]
    places.append(crew.end_location)
    for gap, stop in enumerate(route.stops):
        if route.break_.end <= stop.start:
            # Taken before the drive (still at the previous place) or after it (already here).
            before = route.break_.end <= stop.arrive
            return gap, places[gap] if before else places[gap + 1]
    before = route.break_.end <= route.return_
    gap = len(route.stops)
    return gap, places[gap] if before else places[gap + 1]


def _value(visit: Visit) -> tuple[int, int]:
    return (1 if visit.required else 0, visit.weight)


def improve_by_swaps(
    problem: Problem,
    routes: dict[str, Route],
    pool: list[Visit],
    expired: Callable[[], bool] | None = None,
) -> dict[str, Route]:
    """Swap a scheduled visit for a more valuable left-out one wherever that is legal.

    A short search can stall where a full day must drop one visit to take another (max visits,
    or a long service); this 1-for-1 exchange closes that gap. Only strict gains in (required,
    weight) are taken, so it always ends.
    """
    by_id = {v.id: v for v in problem.visits}
    orders = {cid: [by_id[s.visit] for s in r.stops] for cid, r in routes.items()}
    done = {v.id for order in orders.values() for v in order}
    for incoming in sorted((v for v in pool if v.id not in done), key=rank):
        if expired is not None and expired():
            break
        swap = _best_swap(problem, orders, incoming)
        if swap is not None:
            crew_id, order = swap
            orders[crew_id] = order
    ids = {cid: [v.id for v in order] for cid, order in orders.items()}
    return (
        routes
        if ids == {c: [s.visit for s in r.stops] for c, r in routes.items()}
        else (timed_routes(problem, ids))
    )


def improve_by_chains(
    problem: Problem,
    routes: dict[str, Route],
    pool: list[Visit],
    expired: Callable[[], bool] | None = None,
) -> dict[str, Route]:
    """Take a left-out visit onto a crew by moving one of its visits to another crew.

    The 1-for-1 swap cannot help where a full crew could make the heavier visit only if one of
    its own moved to a crew with room (or with a lighter visit to drop): a chain of two moves the
    prize search did not find in 2 s on generated days of 4 crews with a maximum of visits each.
    Only strict gains in (required, weight) are taken, so it always ends.
    """
    by_id = {v.id: v for v in problem.visits}
    orders = {cid: [by_id[s.visit] for s in r.stops] for cid, r in routes.items()}
    changed = False
    for incoming in sorted(pool, key=rank):
        if expired is not None and expired():
            break
        if any(incoming in order for order in orders.values()):
            continue
        chain = _best_chain(problem, orders, incoming)
        if chain is not None:
            orders.update(chain)
            changed = True
    if not changed:
        return routes
    return timed_routes(problem, {cid: [v.id for v in order] for cid, order in orders.items()})


def _best_chain(
    problem: Problem, orders: dict[str, list[Visit]], incoming: Visit
) -> dict[str, list[Visit]] | None:
    """``incoming`` onto crew A in place of A's ``moved``, which goes to crew B (dropping
    B's lightest visit that makes room, if B must drop one): the best such chain, or None."""
    best: tuple[tuple[int, int], dict[str, list[Visit]]] | None = None
    for first in problem.crews:
        if not problem.may_serve(first, incoming):
            continue
        for moved in orders[first.id]:
            if moved.pinned_crew is not None:
                continue
            rest = [v for v in orders[first.id] if v is not moved]
            taken = best_insertion(problem, first, rest, incoming)
            if taken is None:
                continue
            new_first = [*rest[: taken[1]], incoming, *rest[taken[1] :]]
            for second in problem.crews:
                if second is first or not problem.may_serve(second, moved):
                    continue
                placed = _place(problem, second, orders[second.id], moved, incoming)
                if placed is None:
                    continue
                gain, new_second = placed
                if best is None or gain > best[0]:
                    best = (gain, {first.id: new_first, second.id: new_second})
    return None if best is None else best[1]


def _place(
    problem: Problem, crew: Crew, order: list[Visit], moved: Visit, incoming: Visit
) -> tuple[tuple[int, int], list[Visit]] | None:
    """``moved`` onto ``crew``, dropping at most one visit lighter than ``incoming``."""
    found = best_insertion(problem, crew, order, moved)
    if found is not None:
        return _value(incoming), [*order[: found[1]], moved, *order[found[1] :]]
    best: tuple[tuple[int, int], list[Visit]] | None = None
    for dropped in order:
        if _value(dropped) >= _value(incoming) or dropped.pinned_crew is not None:
            continue
        rest = [v for v in order if v is not dropped]
        found = best_insertion(problem, crew, rest, moved)
        if found is None:
            continue
        gain = (
            _value(incoming)[0] - _value(dropped)[0],
            incoming.weight - dropped.weight,
        )
        if best is None or gain > best[0]:
            best = (gain, [*rest[: found[1]], moved, *rest[found[1] :]])
    return best


def _best_swap(
    problem: Problem, orders: dict[str, list[Visit]], incoming: Visit
) -> tuple[str, list[Visit]] | None:
    best: tuple[tuple[int, int], str, list[Visit]] | None = None
    for crew in problem.crews:
        if not problem.may_serve(crew, incoming):
            continue
        for outgoing in orders[crew.id]:
            if _value(outgoing) >= _value(incoming) or outgoing.pinned_crew is not None:
                continue  # pinned stops are the user's choice: never swapped out
            rest = [v for v in orders[crew.id] if v is not outgoing]
            found = best_insertion(problem, crew, rest, incoming)
            if found is None:
                continue
            gain = _value(incoming)[0] - _value(outgoing)[0], incoming.weight - outgoing.weight
            if best is None or gain > best[0]:
                best = (gain, crew.id, [*rest[: found[1]], incoming, *rest[found[1] :]])
    return None if best is None else (best[1], best[2])
