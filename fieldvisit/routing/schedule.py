"""Exact earliest-time scheduling of a fixed visit order, lunch break included."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from fieldvisit.routing.model import BreakRule, Crew, Interval, Problem, Route, Stop, Visit

# Earliest-ready-time dominates for a fixed order (waiting is free and every constraint is a
# release time or a deadline), so two states per position - break taken or not - are exact.


@dataclass(frozen=True)
class Step:
    """The earliest state after one stop of a fixed order (break taken or not is the dict key)."""

    ready: int  # when the crew is free at this step's place
    arrive: int
    start: int
    brk: Interval | None  # the break taken in the gap just before this step
    prev_taken: bool


def _first_start(visit: Visit, ready: int) -> int | None:
    """Earliest service start at or after ``ready`` inside one of the visit's windows."""
    for window in visit.windows:  # in start order (see Visit)
        if window.end >= ready:
            return max(ready, window.start)
    return None


def _break_in_gap(rule: BreakRule, free: int, travel: int) -> tuple[int, int, Interval] | None:
    """Arrival and ready time when the break fits the gap after ``free``: drive first if allowed."""
    begin = max(free + travel, rule.earliest)
    if begin + rule.duration <= rule.latest:
        return free + travel, begin + rule.duration, Interval(begin, begin + rule.duration)
    begin = max(free, rule.earliest)
    if begin + rule.duration <= rule.latest:
        end = begin + rule.duration
        return end + travel, end + travel, Interval(begin, end)
    return None


def advance(
    states: dict[bool, Step], travel: int, rule: BreakRule | None, visit: Visit | None
) -> dict[bool, Step]:
    """States after the next visit (or the end place when ``visit`` is None).

    ``states`` maps "break already taken" to the earliest state; so does the result.
    """
    options: list[tuple[bool, Step]] = []
    for taken, step in states.items():
        moves: list[tuple[bool, int, int, Interval | None]] = [
            (taken, step.ready + travel, step.ready + travel, None)
        ]
        if not taken and rule is not None:
            placed = _break_in_gap(rule, step.ready, travel)
            if placed is not None:
                moves.append((True, placed[0], placed[1], placed[2]))
        for new_taken, arrive, ready, brk in moves:
            start = ready if visit is None else _first_start(visit, ready)
            if start is None:
                continue
            end = start + (0 if visit is None else visit.service)
            options.append((new_taken, Step(end, arrive, start, brk, taken)))
    best: dict[bool, Step] = {}
    for taken, step in options:
        if taken not in best or step.ready < best[taken].ready:
            best[taken] = step
    return best


def schedule_route(problem: Problem, crew: Crew, order: Sequence[Visit]) -> Route | None:
    """The crew's route through ``order`` with earliest times, or None when no timing is feasible.

    Checks windows, the shift (return by its end) and the break; not crew permissions or max visits.
    """
    rule = crew.break_rule
    seconds = problem.travel_of(crew).seconds
    places = [crew.start_location, *(v.location for v in order), crew.end_location]
    layers: list[dict[bool, Step]] = [{False: Step(crew.shift.start, 0, 0, None, False)}]
    for index, visit in enumerate([*order, None]):
        travel = seconds[places[index]][places[index + 1]]
        layer = advance(layers[-1], travel, rule, visit)
        layer = {k: s for k, s in layer.items() if s.start <= crew.shift.end}
        if not layer:
            return None
        layers.append(layer)
    final = layers[-1]
    taken = rule is not None
    if taken not in final:
        return None
    return _build(problem, crew, order, layers, taken, places)


def _build(
    problem: Problem,
    crew: Crew,
    order: Sequence[Visit],
    layers: list[dict[bool, Step]],
    taken: bool,
    places: list[int],
) -> Route:
    steps: list[Step] = []
    for layer in reversed(layers[1:]):
        step = layer[taken]
        steps.append(step)
        taken = step.prev_taken
    steps.reverse()
    brk = next((s.brk for s in steps if s.brk is not None), None)
    stops = [Stop(v.id, s.arrive, s.start, s.ready) for v, s in zip(order, steps, strict=False)]
    depart = crew.shift.start
    travel = problem.travel_of(crew)
    first_travel = travel.seconds[places[0]][places[1]]
    if stops and steps[0].brk is None:
        # Leave as late as the first stop allows, so the first arrival is not hours early.
        depart = max(depart, stops[0].start - first_travel)
        stops[0] = Stop(stops[0].visit, depart + first_travel, stops[0].start, stops[0].end)
    seconds = sum(travel.seconds[a][b] for a, b in itertools.pairwise(places))
    meters = sum(travel.meters[a][b] for a, b in itertools.pairwise(places))
    return Route(crew.id, depart, tuple(stops), steps[-1].arrive, brk, seconds, meters)


def fits(problem: Problem, crew: Crew, order: Sequence[Visit]) -> bool:
    """Whether ``order`` is a legal route for ``crew`` (timing, permissions and max visits)."""
    return legal_route(problem, crew, order) is not None


def legal_route(problem: Problem, crew: Crew, order: Sequence[Visit]) -> Route | None:
    """``order`` timed for ``crew``, or None when it breaks a limit or cannot be timed."""
    if crew.max_visits is not None and len(order) > crew.max_visits:
        return None
    if not all(problem.may_serve(crew, v) for v in order):
        return None
    if crew.capacity is not None and sum(v.demand for v in order) > crew.capacity:
        return None
    return schedule_route(problem, crew, order)


def best_insertion(
    problem: Problem, crew: Crew, order: Sequence[Visit], visit: Visit
) -> tuple[int, int] | None:
    """``(added travel, position)`` of the cheapest legal insertion of ``visit``, if any."""
    seconds = problem.travel_of(crew).seconds
    here = visit.location
    places = [crew.start_location, *(v.location for v in order), crew.end_location]
    legs = [(a, b, seconds[a][b]) for a, b in itertools.pairwise(places)]
    # Services, drives and the break never overlap inside the shift: an insertion that adds more
    # than the day's free time cannot fit, and is not tried (most tries on a full day).
    free = crew.shift.end - crew.shift.start - visit.service - sum(v.service for v in order)
    free -= sum(t for _, _, t in legs) + (crew.break_rule.duration if crew.break_rule else 0)
    deltas = ((seconds[a][here] + seconds[here][b] - t, i) for i, (a, b, t) in enumerate(legs))
    candidates = sorted(c for c in deltas if c[0] <= free)
    for delta, position in candidates:
        if fits(problem, crew, [*order[:position], visit, *order[position:]]):
            return delta, position
    return None
