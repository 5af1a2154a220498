"""Why a visit was left out: one or more ``route.*`` codes, decided by small insertion tests.

Decision order for an unscheduled visit ``v`` (every test uses the exact fixed-order scheduler):

1. ``route.no_slot``: no allowed crew can make ``v`` alone (depot, ``v``, depot, with its break).
2. Every crew that could make ``v`` alone already has its maximum of visits: ``route.lower_weight``
   when ``v`` is optional and could take the place of an optional visit that weighs more (heavier
   visits took the places), else ``route.max_visits``. The planner never leaves ``v`` out where
   it could take the place of a lighter visit (``construct.improve_by_swaps``; the exact method).
3. ``route.conflicts_required``: on every such crew, ``v`` cannot be inserted even when only the
   crew's required visits are kept, so taking ``v`` would push out a required visit.
4. ``route.lower_weight``: ``v`` is optional and fits on some crew once the optional visits that
   weigh more than ``v`` are removed: heavier visits took its place.
5. ``route.shift_capacity``: otherwise - it fits alone, but not with the visits chosen.
"""

from __future__ import annotations

from fieldvisit.routing.model import (
    CONFLICTS_REQUIRED,
    LOWER_WEIGHT,
    MAX_VISITS,
    NO_SLOT,
    SHIFT_CAPACITY,
    Crew,
    Problem,
    Route,
    Visit,
)
from fieldvisit.routing.schedule import best_insertion, fits


def can_go_alone(problem: Problem, visit: Visit) -> bool:
    """Whether some allowed crew can make this visit as its only stop."""
    return any(fits(problem, c, [visit]) for c in problem.crews if problem.may_serve(c, visit))


def reasons_for(problem: Problem, routes: dict[str, Route], visit: Visit) -> tuple[str, ...]:
    """The reason codes for leaving ``visit`` out of ``routes`` (see the module docstring)."""
    crews = [c for c in problem.crews if problem.may_serve(c, visit) and fits(problem, c, [visit])]
    if not crews:
        return (NO_SLOT,)
    by_id = {v.id: v for v in problem.visits}
    orders = {c.id: [by_id[s.visit] for s in routes[c.id].stops] for c in crews}
    if all(_full(c, orders[c.id]) for c in crews):
        heavier = any(_takes_place_of_heavier(problem, c, orders[c.id], visit) for c in crews)
        return (LOWER_WEIGHT,) if heavier else (MAX_VISITS,)
    open_crews = [c for c in crews if not _full(c, orders[c.id])]
    if not any(_fits_keeping(problem, c, orders[c.id], visit, _required) for c in open_crews):
        return (CONFLICTS_REQUIRED,)
    if not visit.required and any(
        _fits_keeping(problem, c, orders[c.id], visit, lambda v: _not_heavier(v, visit))
        for c in open_crews
    ):
        return (LOWER_WEIGHT,)
    return (SHIFT_CAPACITY,)


def _full(crew: Crew, order: list[Visit]) -> bool:
    return crew.max_visits is not None and len(order) >= crew.max_visits


def _takes_place_of_heavier(problem: Problem, crew: Crew, order: list[Visit], visit: Visit) -> bool:
    """Whether optional ``visit`` fits on ``crew`` in place of one heavier optional visit."""
    if visit.required:
        return False
    for taken in order:
        if taken.required or taken.weight <= visit.weight:
            continue
        rest = [v for v in order if v is not taken]
        if best_insertion(problem, crew, rest, visit) is not None:
            return True
    return False


def _required(visit: Visit) -> bool:
    return visit.required


def _not_heavier(kept: Visit, left_out: Visit) -> bool:
    return kept.required or kept.weight <= left_out.weight


def _fits_keeping(
    problem: Problem, crew: Crew, order: list[Visit], visit: Visit, keep: object
) -> bool:
    assert callable(keep)
    kept = [v for v in order if keep(v)]
    return best_insertion(problem, crew, kept, visit) is not None
