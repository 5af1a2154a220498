"""Independent plan checker: re-derives every rule from the problem; shares no planner code."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

from fieldvisit.routing.model import REASON_CODES, Crew, Plan, Problem, Route


@dataclass(frozen=True)
class Violation:
    """One broken rule: its kind, the crew and visit concerned, and a plain explanation."""

    kind: str
    crew: str | None
    visit: str | None
    detail: str


class PlanRejectedError(AssertionError):
    """A plan failed the checker: a planner bug, never to be shown to a user."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "; ".join(
            f"{v.kind} {v.crew or ''} {v.visit or ''}: {v.detail}" for v in violations
        )
        super().__init__(f"plan rejected: {lines}")


def check_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every violation of the solve contract found in ``plan`` (empty when the plan is legal)."""
    found = _check_coverage(problem, plan)
    crews = {c.id: c for c in problem.crews}
    seen_crews: set[str] = set()
    for route in plan.routes:
        crew = crews.get(route.crew)
        if crew is None or route.crew in seen_crews:
            found.append(Violation("crew", route.crew, None, "unknown or repeated crew"))
            continue
        seen_crews.add(route.crew)
        found.extend(check_route(problem, crew, route))
    return found


def assert_valid(problem: Problem, plan: Plan) -> Plan:
    """``plan`` itself when legal; raises :class:`PlanRejectedError` otherwise."""
    violations = check_plan(problem, plan)
    if violations:
        raise PlanRejectedError(violations)
    return plan


def _check_coverage(problem: Problem, plan: Plan) -> list[Violation]:
    found: list[Violation] = []
    listed = [s.visit for r in plan.routes for s in r.stops] + [u.visit for u in plan.unscheduled]
    counts = Counter(listed)
    for visit in problem.visits:
        if counts[visit.id] != 1:
            found.append(Violation("coverage", None, visit.id, f"listed {counts[visit.id]} times"))
    known = {v.id for v in problem.visits}
    for name in counts.keys() - known:
        found.append(Violation("coverage", None, name, "not a visit of the problem"))
    for item in plan.unscheduled:
        if not item.reasons or not set(item.reasons) <= set(REASON_CODES):
            found.append(Violation("reason", None, item.visit, f"bad reasons {item.reasons}"))
    return found


def check_route(problem: Problem, crew: Crew, route: Route) -> list[Violation]:
    """Violations of one route: travel, windows, crew, shift, max visits, break and totals."""
    found: list[Violation] = []
    visits = {v.id: v for v in problem.visits}
    sec = problem.travel_of(crew).seconds
    places = [crew.start_location]
    free = route.depart  # when the crew may leave its current place
    if route.depart < crew.shift.start:
        found.append(Violation("shift", crew.id, None, "departs before the shift starts"))
    for stop in route.stops:
        visit = visits.get(stop.visit)
        if visit is None:
            continue  # reported by the coverage check
        need = free + sec[places[-1]][visit.location]
        if stop.arrive < need:
            found.append(Violation("travel", crew.id, visit.id, f"arrives {stop.arrive} < {need}"))
        if stop.start < stop.arrive:
            found.append(Violation("travel", crew.id, visit.id, "starts before arriving"))
        if stop.end != stop.start + visit.service:
            found.append(Violation("service", crew.id, visit.id, "end is not start + service"))
        if not any(w.start <= stop.start <= w.end for w in visit.windows):
            found.append(Violation("window", crew.id, visit.id, f"start {stop.start} not allowed"))
        if visit.allowed_crews is not None and crew.id not in visit.allowed_crews:
            found.append(Violation("crew", crew.id, visit.id, "crew not allowed for this visit"))
        if visit.pinned_crew is not None and visit.pinned_crew != crew.id:
            found.append(Violation("crew", crew.id, visit.id, "visit is pinned to another crew"))
        if crew.size < visit.min_crew_size:
            found.append(Violation("crew_size", crew.id, visit.id, "crew too small"))
        places.append(visit.location)
        free = stop.end
    back = free + sec[places[-1]][crew.end_location]
    if route.return_ < back:
        found.append(Violation("travel", crew.id, None, f"returns {route.return_} < {back}"))
    if route.return_ > crew.shift.end:
        found.append(Violation("shift", crew.id, None, "returns after the shift ends"))
    if crew.max_visits is not None and len(route.stops) > crew.max_visits:
        found.append(Violation("max_visits", crew.id, None, f"{len(route.stops)} visits"))
    load = sum(visits[s.visit].demand for s in route.stops if s.visit in visits)
    if crew.capacity is not None and load > crew.capacity:
        found.append(Violation("capacity", crew.id, None, f"load {load} > {crew.capacity}"))
    found.extend(_check_break(problem, crew, route))
    found.extend(_check_totals(problem, crew, route))
    return found


def _check_break(problem: Problem, crew: Crew, route: Route) -> list[Violation]:
    rule = crew.break_rule
    if rule is None:
        bad = route.break_ is not None
        return [Violation("break", crew.id, None, "break without a rule")] if bad else []
    brk = route.break_
    if brk is None:
        return [Violation("break", crew.id, None, "the crew's break is missing")]
    found: list[Violation] = []
    if brk.start < rule.earliest or brk.end > rule.latest:
        found.append(Violation("break", crew.id, None, "break outside its window"))
    if brk.end - brk.start < rule.duration:
        found.append(Violation("break", crew.id, None, "break too short"))
    if brk.start < crew.shift.start or brk.end > crew.shift.end:
        found.append(Violation("break", crew.id, None, "break outside the shift"))
    if not _break_has_room(problem, crew, route):
        found.append(Violation("break", crew.id, None, "break overlaps a visit or a drive"))
    return found


def _break_has_room(problem: Problem, crew: Crew, route: Route) -> bool:
    """The break lies in one gap between two activities, wholly before or after that gap's drive.

    A drive is not split around the break: the crew breaks where it is, before leaving or after
    arriving.
    """
    brk = route.break_
    assert brk is not None
    visits = {v.id: v for v in problem.visits}
    locs = [
        crew.start_location,
        *(visits[s.visit].location for s in route.stops),
        crew.end_location,
    ]
    ends = [route.depart, *(s.end for s in route.stops)]
    starts = [*(s.start for s in route.stops), route.return_]
    for i, (free, busy) in enumerate(zip(ends, starts, strict=True)):
        drive = problem.travel_of(crew).seconds[locs[i]][locs[i + 1]]
        before = free <= brk.start and brk.end + drive <= busy
        after = free + drive <= brk.start and brk.end <= busy
        if before or after:
            return True
    # After the return to the end place the crew is off the road: a break there is fine.
    return route.return_ <= brk.start and brk.end <= crew.shift.end


def _check_totals(problem: Problem, crew: Crew, route: Route) -> list[Violation]:
    visits = {v.id: v for v in problem.visits}
    locs = [
        crew.start_location,
        *(visits[s.visit].location for s in route.stops if s.visit in visits),
    ]
    locs.append(crew.end_location)
    legs = list(itertools.pairwise(locs))
    travel = problem.travel_of(crew)
    seconds = sum(travel.seconds[a][b] for a, b in legs)
    meters = sum(travel.meters[a][b] for a, b in legs)
    if (seconds, meters) != (route.travel_seconds, route.travel_meters):
        detail = f"stated {route.travel_seconds}s/{route.travel_meters}m, legs {seconds}s/{meters}m"
        return [Violation("totals", crew.id, None, detail)]
    return []
