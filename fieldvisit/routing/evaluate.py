"""Manual orders evaluated as given (ETAs plus violations), and re-planning the rest of a day."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fieldvisit.routing.checker import Violation, check_route
from fieldvisit.routing.model import BreakRule, Crew, Interval, Problem, ProblemError, Route, Stop
from fieldvisit.routing.schedule import schedule_route


@dataclass(frozen=True)
class Evaluation:
    """A fixed order's times and every rule it breaks (empty when the order is legal)."""

    route: Route
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def evaluate_order(problem: Problem, crew_id: str, visit_ids: Sequence[str]) -> Evaluation:
    """ETAs for ``visit_ids`` in exactly this order, never reordered, with the checker's findings.

    A legal order gets the exact earliest schedule. Otherwise each stop starts at its earliest
    allowed time after arrival (or on arrival when none is left, which the checker flags), and the
    break goes into the first gap with room for it.
    """
    crew = problem.crew(crew_id)
    order = [problem.visit(v) for v in visit_ids]
    route = schedule_route(problem, crew, order) or _lenient(problem, crew, visit_ids)
    return Evaluation(route, tuple(check_route(problem, crew, route)))


def _lenient(problem: Problem, crew: Crew, visit_ids: Sequence[str]) -> Route:
    travel = problem.travel_of(crew)
    sec = travel.seconds
    here, free = crew.start_location, crew.shift.start
    stops: list[Stop] = []
    seconds = meters = 0
    for visit_id in visit_ids:
        visit = problem.visit(visit_id)
        arrive = free + sec[here][visit.location]
        later = [max(arrive, w.start) for w in visit.windows if w.end >= arrive]
        start = min(later, default=arrive)
        stops.append(Stop(visit.id, arrive, start, start + visit.service))
        seconds += sec[here][visit.location]
        meters += travel.meters[here][visit.location]
        here, free = visit.location, start + visit.service
    back = sec[here][crew.end_location]
    seconds += back
    meters += travel.meters[here][crew.end_location]
    route = Route(crew.id, crew.shift.start, tuple(stops), free + back, None, seconds, meters)
    if crew.break_rule is None:
        return route
    return dataclasses.replace(route, break_=_place_break(problem, crew, route, crew.break_rule))


def _place_break(problem: Problem, crew: Crew, route: Route, rule: BreakRule) -> Interval:
    locs = [crew.start_location, *(problem.visit(s.visit).location for s in route.stops)]
    locs.append(crew.end_location)
    ends = [route.depart, *(s.end for s in route.stops)]
    starts = [*(s.start for s in route.stops), max(route.return_, crew.shift.end)]
    for i, (free, busy) in enumerate(zip(ends, starts, strict=True)):
        begin = max(free + problem.travel_of(crew).seconds[locs[i]][locs[i + 1]], rule.earliest)
        if begin + rule.duration <= min(busy, rule.latest):
            return Interval(begin, begin + rule.duration)
    return Interval(rule.earliest, rule.earliest + rule.duration)


def replan_problem(
    problem: Problem,
    crew_id: str,
    *,
    now: int,
    location: int,
    finished: Iterable[str],
    break_taken: bool,
) -> Problem:
    """The problem for the rest of a crew's day: from ``location`` at ``now``, finished visits gone.

    Other crews are unchanged. A break not yet taken keeps its rule, starting no earlier than
    ``now``; a break that no longer fits the day is an error the caller must show.
    """
    done = set(finished)
    crew = problem.crew(crew_id)
    if not crew.shift.start <= now <= crew.shift.end:
        raise ProblemError(f"crew {crew_id}: {now} is outside the shift")
    rule = None if break_taken else crew.break_rule
    if rule is not None:
        earliest = max(rule.earliest, now)
        if rule.latest - earliest < rule.duration:
            raise ProblemError(f"crew {crew_id}: the break can no longer be taken today")
        rule = BreakRule(earliest, rule.latest, rule.duration)
    rest = dataclasses.replace(
        crew, start_location=location, shift=Interval(now, crew.shift.end), break_rule=rule
    )
    if crew.max_visits is not None:
        rest = dataclasses.replace(rest, max_visits=max(0, crew.max_visits - len(done)))
    crews = tuple(rest if c.id == crew_id else c for c in problem.crews)
    visits = tuple(v for v in problem.visits if v.id not in done)
    return dataclasses.replace(problem, visits=visits, crews=crews)
