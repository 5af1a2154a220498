"""Plan a day: engine search, exact timing, pins, leftover insertion, reasons and the checker."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.routing import decompose, engine, exact
from fieldvisit.routing.beam import DENSITY_FACTORS, beam_day
from fieldvisit.routing.budget import Budget, Clock, Deadline, PhaseLog
from fieldvisit.routing.checker import assert_valid
from fieldvisit.routing.construct import (
    Orders,
    improve_by_chains,
    improve_by_swaps,
    insert_greedily,
    rank,
    timed_routes,
    warm_start,
)
from fieldvisit.routing.model import NO_SLOT, Plan, Problem, Route, Unscheduled, Visit
from fieldvisit.routing.polish import polish
from fieldvisit.routing.reasons import can_go_alone, reasons_for
from fieldvisit.routing.refine import least_travel
from fieldvisit.routing.schedule import best_insertion

# The Python greedy start costs O(n^3) schedule steps: beyond this many visits it is built from the
# most valuable ones only, and the post-search swaps are skipped.
WARM_START_LIMIT = 80
# Visits the greedy warm start of several crews is built from (with the free-time test of
# ``best_insertion`` a part of a large day builds from all its visits within its share of time).
WARM_SEEDS = 300
# Share of a time budget the warm start may use at most (it used all of it from 100 visits on).
WARM_SHARE = 0.2
# A small day is first solved exactly (``exact``); the attempt gives up after EXACT_SHARE of the
# time (its work limit is ~1 s of a free core, several on a busy one). A day with optional visits
# that is not proven then searches for weight until PRIZE_END of the time left, is polished
# exactly per crew and pair until POLISH_END, and searches for travel over the chosen visits
# until TRAVEL_END; REORDER_SHARE of the rest re-solves each crew's order exactly; the rest is
# for leftovers, reasons and the checker.
EXACT_SHARE = 0.6
PRIZE_END, POLISH_END, TRAVEL_END = 0.5, 0.7, 0.93
REORDER_SHARE = 0.6
# Rounds of search and polishing. The prize search settles within a fraction of a second (31-60
# visits: weight at the best known on 18/40 days after 0.5 s, 20/40 after 1 s, 21/40 after 2 s);
# the exact polishing then moves it to a better plan the next search starts from.
ROUNDS = 2


Routes = dict[str, Route]


class PlanCancelledError(Exception):
    """The caller cancelled the search before a plan was ready."""


def solve(
    problem: Problem,
    budget: Budget,
    *,
    cancelled: CancelCheck | None = None,
    progress: ProgressCallback | None = None,
    clock: Clock = time.perf_counter,
    on_phase: PhaseLog | None = None,
) -> Plan:
    """The best plan found within ``budget``, checked by the independent checker.

    With a time budget every phase (warm start, search, leftover insertion, reasons and the
    checker) runs against one deadline; ``on_phase`` hears each phase end.
    """
    deadline = Deadline(budget.seconds, clock)
    phases = _Phases(clock, on_phase)
    reasons = None
    if decompose.applies(problem):

        def part(sub: Problem, visits: list[Visit], share: Budget, by: Deadline) -> Routes:
            return _routes(sub, visits, share, by, cancelled, progress, phases)

        split = decompose.plan(problem, budget, deadline, part, phases.done)
        routes, reasons = split.routes, split.reasons
    else:
        candidates = [v for v in problem.visits if can_go_alone(problem, v)]
        phases.done("screen")
        proven, start = _exact_plan(problem, candidates, deadline.share(EXACT_SHARE))
        phases.done("exact")
        if cancelled is not None and cancelled():
            raise PlanCancelledError()
        if proven is not None:
            return proven
        routes = _day(problem, candidates, budget, deadline, cancelled, progress, phases, start)
    plan = assert_valid(problem, _finish(problem, routes, reasons))
    phases.done("output")
    return plan


def _day(
    problem: Problem,
    candidates: list[Visit],
    budget: Budget,
    deadline: Deadline,
    cancelled: CancelCheck | None,
    progress: ProgressCallback | None,
    phases: _Phases,
    start: Routes | None,
) -> Routes:
    """A day too large to prove: the search, then exact polishing and a travel search."""
    prized = not all(v.required for v in candidates)
    if not prized:  # a plain VRPTW: the search keeps the whole time
        return _routes(problem, candidates, budget, deadline, cancelled, progress, phases, start)
    # Weight: ROUNDS of a prize search and exact polishing, each search warm-started from the
    # plan the round before polished; round k ends at POLISH_END * k / ROUNDS of the time.
    span = deadline.left()
    share = budget  # an iteration budget is shared alike
    if budget.iterations is not None:
        share = dataclasses.replace(budget, iterations=max(1, budget.iterations // ROUNDS))

    told = [0, 0]  # iterations reported before this round, and up to now

    def counted(iterations: int, cost: int) -> None:
        told[1] = told[0] + iterations
        if progress is not None:
            progress(told[1], cost)

    def weigh(done: int, routes: Routes | None) -> Routes:
        told[0] = told[1]  # the rounds count on where the last one stopped
        search_end = (done + PRIZE_END / POLISH_END) / ROUNDS * POLISH_END
        search = deadline.before((1 - search_end) * span)
        found = _routes(problem, candidates, share, search, cancelled, counted, phases, routes)
        if routes is not None and _value(problem, routes) > _value(problem, found):
            found = routes  # the search starts from ``routes``; its timing could lose a visit
        polish_by = _absolute(deadline.before((1 - (done + 1) / ROUNDS * POLISH_END) * span))
        polished = _polished(problem, found, candidates, polish_by)
        phases.done("polish")
        return polished

    pinned = any(v.pinned_position is not None for v in candidates)
    routes = start or _warm_routes(problem, candidates, deadline)
    for done in range(ROUNDS):
        if not pinned and _all_made(routes, candidates):
            break  # no weight is left to find: the time left is the travel search's
        routes = weigh(done, routes)
    if pinned:
        return routes
    travel = deadline.before((1 - TRAVEL_END) * span).budget(budget)
    better = least_travel(problem, routes, travel, cancelled)
    if cancelled is not None and cancelled():
        raise PlanCancelledError()
    if better is not None:
        timed = timed_routes(problem, better)
        if _value(problem, timed) > _value(problem, routes):
            routes = timed
    phases.done("travel")
    # The travel search (a few hundred iterations) leaves gaps inside a crew's own day: each
    # crew's order is re-solved exactly over the visits it makes (generated days of 31-60
    # visits: 1-4 % less travel on 5 of 12, 0.02-0.15 s each; see ``polish``).
    routes = _polished(
        problem, routes, candidates, _absolute(deadline.share(REORDER_SHARE)), extra=False
    )
    phases.done("reorder")
    return routes


def _all_made(routes: Routes, candidates: list[Visit]) -> bool:
    return sum(len(r.stops) for r in routes.values()) == len(candidates)


def _absolute(deadline: Deadline) -> float | None:
    """The deadline as a ``time.perf_counter`` instant, as the exact solvers take it."""
    return time.perf_counter() + deadline.left() if deadline.timed else None


def _polished(
    problem: Problem, routes: Routes, candidates: list[Visit], by: float | None, extra: bool = True
) -> Routes:
    before = {cid: [s.visit for s in r.stops] for cid, r in routes.items()}
    after = polish(problem, before, candidates, by, extra=extra)
    if after == before:
        return routes
    return _add_leftovers(problem, timed_routes(problem, after), candidates)


def _exact_plan(
    problem: Problem, candidates: list[Visit], deadline: Deadline
) -> tuple[Plan | None, Routes | None]:
    """The proven optimal plan of a small day (or None), and the constructed day it started from.

    The constructed day is handed on to the search as its warm start: building it twice (beam
    search included) cost a second on loaded machines.
    """
    if not exact.applies(problem, candidates):
        return None, None
    start = improve_by_swaps(
        problem, _constructed(problem, candidates, deadline.expired), candidates
    )
    known = _value(problem, start)
    by = None if not deadline.timed else time.perf_counter() + deadline.left()
    found = exact.solve_exact(problem, candidates, (known[0], known[1]), deadline=by)
    if found is None:
        return None, start
    routes = timed_routes(problem, found.orders)
    if {c: [s.visit for s in r.stops] for c, r in routes.items()} != found.orders:
        return None, start  # a timing the labels allowed and the scheduler not: never expected
    plan = dataclasses.replace(_finish(problem, routes), optimal=True)
    return assert_valid(problem, plan), start


class _Phases:
    """Tells ``on_phase`` how long each phase took, measured by the solve's clock."""

    def __init__(self, clock: Clock, on_phase: PhaseLog | None) -> None:
        self._clock, self._on_phase = clock, on_phase
        self._last = clock()

    def done(self, phase: str) -> None:
        now = self._clock()
        if self._on_phase is not None:
            self._on_phase(phase, now - self._last)
        self._last = now


def _reserve(deadline: Deadline, optional: int) -> tuple[float, float]:
    """Seconds kept after the search: for leftover insertion and output, and for output alone.

    Measured (CPU) at 10 crews / 400 optional visits: timing and leftovers ~0.05 s, reasons and
    the checker ~0.07 s, both about linear in the optional candidates (a day of required visits
    leaves few out: Solomon's need ~0.01 s). At most 40 % of the time left.
    """
    if not deadline.timed:
        return 0.0, 0.0
    cap = 0.4 * deadline.left()
    return min(cap, 0.02 + 4e-4 * optional), min(cap / 2, 0.01 + 2e-4 * optional)


def _routes(
    problem: Problem,
    candidates: list[Visit],
    budget: Budget,
    deadline: Deadline,
    cancelled: CancelCheck | None,
    progress: ProgressCallback | None,
    phases: _Phases,
    start: Routes | None = None,
) -> dict[str, Route]:
    """Search, exact timing, pins and leftovers: the routes, before reasons and the checker."""
    after_search, output = _reserve(deadline, sum(not v.required for v in candidates))
    search_by = deadline.before(after_search)
    orders = _search(problem, candidates, budget, search_by, cancelled, progress, phases, start)
    if cancelled is not None and cancelled():
        raise PlanCancelledError()
    routes = timed_routes(problem, orders)
    routes = _keep_pins(problem, routes)
    finish = deadline.before(output).expired
    routes = _add_leftovers(problem, routes, candidates, finish)
    if len(candidates) <= WARM_START_LIMIT:
        routes = improve_by_swaps(problem, routes, candidates, finish)
        routes = improve_by_chains(problem, routes, candidates, finish)
        routes = _add_leftovers(problem, routes, candidates, finish)
    phases.done("leftovers")
    return routes


def _search(
    problem: Problem,
    candidates: list[Visit],
    budget: Budget,
    deadline: Deadline,
    cancelled: CancelCheck | None,
    progress: ProgressCallback | None,
    phases: _Phases,
    start: Routes | None = None,
) -> Orders:
    if not candidates:
        return {}
    total = budget
    warm = None
    if not all(v.required for v in candidates):
        # Priority days are where a short search struggles: start it from a constructed day. The
        # start must be feasible too: a visit's prize outweighs any penalty, so a search that
        # never held a feasible day (PyVRP's own start) ends with crews over their maximum.
        # One crew's start includes beam searches, whose cost grows with the pool.
        if start is None:
            start = _warm_routes(problem, candidates, deadline)
        warm = warm_start(problem, start)
    phases.done("warm_start")
    hard = any(v.required for v in candidates)
    built = engine.build(problem, candidates, hard_required=hard, warm=warm)
    cap = float(max(100_000, engine.travel_bound(problem)))
    if warm is not None:
        cap = max(cap, _prize_penalty_cap(problem, candidates))
    # With required visits the search first treats them as hard; if it has found no feasible
    # plan halfway through, they likely cannot all fit, and the rest goes to the fallback.
    orders, feasible, used = engine.run(
        built,
        deadline.budget(total),
        cancelled=cancelled,
        progress=progress,
        warm=warm,
        penalty_cap=cap,
        give_up=0.5 if hard else None,
        clock=deadline.clock,
    )
    if feasible or not hard or (cancelled is not None and cancelled()):
        phases.done("search")
        return orders
    # Not every required visit fits: schedule as many as possible, then weight, then travel.
    budget = deadline.budget(total)
    if budget.iterations is not None:
        budget = dataclasses.replace(budget, iterations=max(0, budget.iterations - used))
    built = engine.build(problem, candidates, hard_required=False, warm=warm)
    orders, _, _ = engine.run(
        built, budget, cancelled=cancelled, progress=progress, warm=warm, clock=deadline.clock
    )
    phases.done("search")
    return orders


def _warm_routes(problem: Problem, candidates: list[Visit], deadline: Deadline) -> Routes:
    """The constructed day a prize search starts from (within WARM_SHARE of the time)."""
    pool = WARM_START_LIMIT if len(problem.crews) == 1 else WARM_SEEDS
    seeds = sorted(candidates, key=rank)[:pool]
    return _constructed(problem, seeds, deadline.share(WARM_SHARE).expired)


def _prize_penalty_cap(problem: Problem, candidates: list[Visit]) -> float:
    """A penalty cap whose midpoint (PyVRP's start) makes one unit of violation cost more than
    any optional visit is worth.

    PyVRP raises its penalties only every 500 iterations, a few times in a 1 s search: at a cap
    of one weight unit the search spent its time over a crew's maximum of visits or late, buying
    heavy visits it could not keep (generated days of 31-60 visits, 2 seeds x 20 days: weight
    missed on 18, 15 with this cap).
    """
    heaviest = max((v.weight for v in candidates if not v.required), default=1)
    return 2.0 * float(engine.travel_bound(problem)) * (heaviest + 1)


def _constructed(
    problem: Problem, candidates: list[Visit], expired: Callable[[], bool]
) -> dict[str, Route]:
    """The best of a greedy day and, for one crew, beam-searched days (see ``beam``)."""
    greedy = timed_routes(problem, insert_greedily(problem, {}, candidates, expired))
    options = [greedy]
    if len(problem.crews) == 1:
        crew = problem.crews[0]
        shift = max(1, crew.shift.end - crew.shift.start)
        density = max(1, sum(problem.visit(s.visit).weight for s in greedy[crew.id].stops)) / shift
        for factor in DENSITY_FACTORS:
            order = beam_day(problem, crew, candidates, density * factor, expired=expired)
            options.append(timed_routes(problem, {crew.id: [v.id for v in order]}))
    return max(options, key=lambda routes: _value(problem, routes))


def _value(problem: Problem, routes: dict[str, Route]) -> tuple[int, int, int]:
    visits = [problem.visit(s.visit) for r in routes.values() for s in r.stops]
    travel = sum(r.travel_seconds for r in routes.values())
    return sum(v.required for v in visits), sum(v.weight for v in visits), -travel


def _keep_pins(problem: Problem, routes: dict[str, Route]) -> dict[str, Route]:
    """Restore the manual order of pinned stops, re-inserting the crew's other stops around them."""
    by_id = {v.id: v for v in problem.visits}
    out = dict(routes)
    for crew in problem.crews:
        stops = [by_id[s.visit] for s in routes[crew.id].stops]
        pinned = [v for v in stops if v.pinned_crew == crew.id and v.pinned_position is not None]
        wanted = sorted(pinned, key=lambda v: v.pinned_position or 0)
        if pinned == wanted:
            continue
        rest = [v for v in stops if v not in pinned]
        order = _insert_on(problem, crew.id, [v.id for v in wanted], rest)
        out[crew.id] = timed_routes(problem, {crew.id: order})[crew.id]
    return out


def _insert_on(problem: Problem, crew_id: str, order: list[str], rest: list[Visit]) -> list[str]:
    by_id = {v.id: v for v in problem.visits}
    crew = problem.crew(crew_id)
    result = list(order)
    for visit in rest:
        found = best_insertion(problem, crew, [by_id[v] for v in result], visit)
        if found is not None:
            result.insert(found[1], visit.id)
    return result


def _add_leftovers(
    problem: Problem,
    routes: dict[str, Route],
    candidates: list[Visit],
    expired: Callable[[], bool] | None = None,
) -> dict[str, Route]:
    """Insert left-out visits that still fit: a cheap guarantee against a short search's misses."""
    done = {s.visit for r in routes.values() for s in r.stops}
    left = [v for v in candidates if v.id not in done]
    if not left:
        return routes
    orders = {cid: [s.visit for s in r.stops] for cid, r in routes.items()}
    grown = insert_greedily(problem, orders, left, expired)
    if grown == orders:
        return routes
    return timed_routes(problem, grown)


def _finish(
    problem: Problem, routes: dict[str, Route], scoped: decompose.Reasons | None = None
) -> Plan:
    done = {s.visit for r in routes.values() for s in r.stops}
    unscheduled = []
    for visit in problem.visits:
        if visit.id not in done:
            if scoped is not None:
                reasons = scoped(visit)
            else:
                reasons = reasons_for(problem, routes, visit) if routes else (NO_SLOT,)
            unscheduled.append(Unscheduled(visit.id, reasons))
    ordered = tuple(routes[c.id] for c in problem.crews)
    return Plan(ordered, tuple(unscheduled))
