"""Large team days by region: candidates to crews, crews to parts, one search per part, borders.

A day of thousands of candidate visits is too big for one search within an interactive budget
(PyVRP's tables, its first round and our exact timing all grow with it). Each candidate goes to
the nearest crew that can make it alone; neighbouring crews are grouped into parts of at most
``PART_VISITS`` candidates and ``PART_CREWS`` crews; each part is planned like a small day, with
its own small travel matrix and a share of the time left in proportion to its candidates; then
the visits still left out are inserted across borders, on the ``NEIGHBOURS`` nearest crews that
may make them. A part with more candidates than it can search (one crew and thousands of
visits) searches the most promising: required ones, then weight per minute of service and drive.
Reasons for visits left out are given against the crew each was assigned to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fieldvisit.routing.budget import Budget, Deadline
from fieldvisit.routing.construct import rank, timed_routes
from fieldvisit.routing.model import NO_SLOT, Crew, Problem, Route, Travel, TravelMatrix, Visit
from fieldvisit.routing.reasons import reasons_for
from fieldvisit.routing.schedule import best_insertion, fits

# Above this many visits a day is planned by parts (10 crews / 500 visits measured better
# that way at 2 s: the one search then spends its budget on PyVRP's first rounds).
SPLIT_VISITS = 400
# Small parts converge faster than their share of the time suggests: at 20 crews / 1,000 visits
# and 10 s (CPU), parts of 3 crews / 150 visits gave weight 23,217, parts of 6 / 250 22,685.
PART_VISITS, PART_CREWS = 150, 3
# Candidates searched per crew of a part (a crew makes 10-20 visits a day); the others still get
# their chance across borders. Each part's matrix grows with the square of what it searches.
PER_CREW = 50
# Crews tried for a visit: when assigning it (nearest first) and across borders.
NEIGHBOURS = 4
# Seconds kept for the output (reasons and the checker) per visit, and for the border pass per
# candidate: CPU seconds measured at 60 crews / 5,000 visits (benchmarks/scale.py).
OUTPUT_PER_VISIT, BORDERS_PER_CANDIDATE = 1.4e-4, 0.6e-4

PartSolver = Callable[[Problem, list[Visit], Budget, Deadline], dict[str, Route]]
Reasons = Callable[[Visit], tuple[str, ...]]


def applies(problem: Problem) -> bool:
    """Whether a day is large enough to be planned by parts."""
    return len(problem.visits) > SPLIT_VISITS


@dataclass(frozen=True)
class Split:
    """A day planned by parts: every crew's route and the reasons for the visits left out."""

    routes: dict[str, Route]
    reasons: Reasons


def plan(
    problem: Problem,
    budget: Budget,
    deadline: Deadline,
    solve_part: PartSolver,
    phase_done: Callable[[str], None],
) -> Split:
    """Assign, group, plan each part, then insert across borders (see the module docstring)."""
    near = _nearest_crews(problem)
    phase_done("screen")
    candidates = [v for v in problem.visits if v.id in near]
    owner = {v.id: near[v.id][0] for v in candidates}
    parts = _group(problem, candidates, owner)
    phase_done("split")
    output = _reserve(deadline, OUTPUT_PER_VISIT * len(problem.visits))
    borders = deadline.before(output)
    final = borders.before(_reserve(borders, BORDERS_PER_CANDIDATE * len(candidates)))
    routes: dict[str, Route] = {}
    left = len(candidates)
    for crews, visits in parts:
        share = final.share(len(visits) / max(1, left))
        left -= len(visits)
        searched = _promising(problem, crews, visits, owner)
        sub, local = _subproblem(problem, crews, searched)
        part_budget = _part_budget(budget, share, len(searched), len(candidates))
        routes.update(solve_part(sub, list(local), part_budget, share))
    routes = _across_borders(problem, routes, candidates, near, borders)
    phase_done("borders")
    return Split(routes, _reasons(problem, owner, routes))


def _reserve(deadline: Deadline, seconds: float) -> float:
    """``seconds`` (plus a little) kept for a later phase, at most a third of the time left."""
    return min(deadline.left() / 3, 0.02 + seconds) if deadline.timed else 0.0


def _nearest_crews(problem: Problem) -> dict[str, list[str]]:
    """Per visit some crew can make alone: up to ``NEIGHBOURS`` allowed crews, nearest first.

    The first crew of each list is the nearest that can make the visit on its own. Nearness is
    the travel model's estimate (ranking needs no exact drive); the exact test starts with the
    nearest crew, so the drives it computes are the ones the plan will use.
    """
    crews, visits = problem.crews, problem.visits
    places = [v.location for v in visits]
    estimate = np.zeros((len(crews), len(visits)))
    # Each crew ranked at its own speed: a fast crew reaches farther in the same time.
    for profile, travel in enumerate(problem.travels):
        rows = [i for i, c in enumerate(crews) if c.profile == profile]
        if rows:
            estimate[rows] = travel.estimate([crews[i].start_location for i in rows], places)
    order = np.argsort(estimate, axis=0, kind="stable")
    out: dict[str, list[str]] = {}
    for column, visit in enumerate(visits):
        near = [crews[i] for i in order[:, column].tolist() if problem.may_serve(crews[i], visit)]
        first = next((i for i, c in enumerate(near) if fits(problem, c, [visit])), None)
        if first is not None:
            ordered = [near[first], *near[:first], *near[first + 1 : NEIGHBOURS]]
            out[visit.id] = [c.id for c in ordered[:NEIGHBOURS]]
    return out


def _group(
    problem: Problem, candidates: list[Visit], owner: dict[str, str]
) -> list[tuple[list[Crew], list[Visit]]]:
    """Neighbouring crews in parts of at most ``PART_VISITS`` candidates, ``PART_CREWS`` crews."""
    # Crews are grouped by where they start, not how fast they drive: profile 0 ranks them all.
    seconds = problem.travel.seconds
    mine: dict[str, list[Visit]] = {c.id: [] for c in problem.crews}
    for visit in candidates:
        mine[owner[visit.id]].append(visit)
    anchor = seconds[problem.crews[0].start_location]
    free = sorted(problem.crews, key=lambda c: (anchor[c.start_location], c.id))
    parts: list[tuple[list[Crew], list[Visit]]] = []
    while free:
        seed = free.pop(0)
        crews, visits = [seed], list(mine[seed.id])
        row = seconds[seed.start_location]
        for crew in sorted(free, key=lambda c: (row[c.start_location], c.id)):
            if len(crews) >= PART_CREWS or len(visits) + len(mine[crew.id]) > PART_VISITS:
                break
            crews.append(crew)
            visits += mine[crew.id]
            free.remove(crew)
        parts.append((crews, visits))
    return parts


def _promising(
    problem: Problem, crews: list[Crew], visits: list[Visit], owner: dict[str, str]
) -> list[Visit]:
    """At most ``PER_CREW`` visits a crew of a part: required and pinned, then weight per minute."""
    limit = min(PART_VISITS, PER_CREW * len(crews))
    if len(visits) <= limit:
        return visits
    by_id = {c.id: c for c in crews}

    def value(visit: Visit) -> tuple[bool, float, str]:
        crew = by_id[owner[visit.id]]
        drive = problem.travel_of(crew).seconds[crew.start_location][visit.location]
        chosen = visit.required or visit.pinned_crew is not None  # the user's pins always count
        return (not chosen, -visit.weight / (visit.service + drive + 900), visit.id)

    return sorted(visits, key=value)[:limit]


def _subproblem(
    problem: Problem, crews: list[Crew], visits: list[Visit]
) -> tuple[Problem, list[Visit]]:
    """A part as a problem of its own: its crews, its visits, a dense matrix of its places."""
    ids = frozenset(c.id for c in crews)
    places = sorted({p for c in crews for p in (c.start_location, c.end_location)})
    places += sorted({v.location for v in visits} - set(places))
    local = {place: index for index, place in enumerate(places)}
    part_crews = [
        dataclasses.replace(
            c, start_location=local[c.start_location], end_location=local[c.end_location]
        )
        for c in crews
    ]
    part_visits = [dataclasses.replace(_only(v, ids), location=local[v.location]) for v in visits]
    # One dense block per travel profile the part's crews use (one when they share a speed).
    whole = problem.with_crews(part_crews, part_visits)
    blocks = tuple(_dense(travel, places) for travel in whole.travels)
    part = dataclasses.replace(whole, travel=blocks[0], more_travel=blocks[1:])
    return part, part_visits


def _dense(travel: Travel, places: list[int]) -> TravelMatrix:
    seconds, metres = travel.dense(places)
    return TravelMatrix(tuple(map(tuple, seconds.tolist())), tuple(map(tuple, metres.tolist())))


def _part_budget(budget: Budget, share: Deadline, count: int, total: int) -> Budget:
    iterations = None
    if budget.iterations is not None:
        iterations = max(1, budget.iterations * count // max(1, total))
    seconds = None if budget.seconds is None else share.left()
    if iterations is None and seconds is None:
        seconds = 0.0
    return Budget(iterations=iterations, seconds=seconds, seed=budget.seed)


def _across_borders(
    problem: Problem,
    routes: dict[str, Route],
    candidates: list[Visit],
    near: dict[str, list[str]],
    deadline: Deadline,
) -> dict[str, Route]:
    """Insert left-out visits on their nearest crews, wherever that part's search put them."""
    by_id = {v.id: v for v in problem.visits}
    crews = {c.id: c for c in problem.crews}
    orders = {cid: [by_id[s.visit] for s in r.stops] for cid, r in routes.items()}
    done = {v.id for order in orders.values() for v in order}
    changed: set[str] = set()
    for visit in sorted((v for v in candidates if v.id not in done), key=rank):
        if deadline.expired():
            break
        best: tuple[int, int, str] | None = None
        for crew_id in near[visit.id]:
            found = best_insertion(problem, crews[crew_id], orders[crew_id], visit)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], found[1], crew_id)
        if best is not None:
            orders[best[2]].insert(best[1], visit)
            changed.add(best[2])
    if not changed:
        return routes
    timed = timed_routes(problem, {cid: [v.id for v in orders[cid]] for cid in changed})
    return {**routes, **{cid: timed[cid] for cid in changed}}


def _reasons(problem: Problem, owner: dict[str, str], routes: dict[str, Route]) -> Reasons:
    """Reasons for a left-out visit, tested against the crew it was assigned to.

    That crew can make it alone, so ``route.no_slot`` is never claimed for a candidate; testing
    the other crews too cost more than the search at 5,000 visits.
    """
    by_id = {v.id: v for v in problem.visits}
    mine: dict[str, list[Visit]] = {c.id: [] for c in problem.crews}
    for visit_id, crew_id in owner.items():
        mine[crew_id].append(by_id[visit_id])
    scope: dict[str, tuple[Problem, dict[str, Route]]] = {}
    for crew in problem.crews:
        served = [by_id[s.visit] for s in routes[crew.id].stops]
        members = {v.id: v for v in [*mine[crew.id], *served]}
        local = [_only(v, frozenset({crew.id})) for v in members.values()]
        if not local:
            continue
        part = problem.with_crews([crew], local)
        for visit in local:
            scope[visit.id] = (part, {crew.id: routes[crew.id]})

    def reasons(visit: Visit) -> tuple[str, ...]:
        if visit.id not in scope:
            return (NO_SLOT,)  # not a candidate: no crew can make it even alone
        part, part_routes = scope[visit.id]
        return reasons_for(part, part_routes, part.visit(visit.id))

    return reasons


def _only(visit: Visit, crews: frozenset[str]) -> Visit:
    """``visit`` with its allowed crews cut to ``crews`` (a part names no other crew)."""
    if visit.allowed_crews is None:
        return visit
    return dataclasses.replace(visit, allowed_crews=visit.allowed_crews & crews)
