"""``fieldvisit solve``: the compliance engine in front of the route planner, JSON in and out.

Each visit is checked first; a blocked visit never reaches the planner. The others reach it with
their allowed start windows (seconds after local midnight of the problem's date) and only the
crews whose size their verdict allows. Visits to one debtor are admitted in order of preference
(required, then priority, then id) while the daily visit limit allows, counting those admitted
before as planned that day. Every plan is checked twice before it is returned: by the routing
core's independent checker, and here, stop by stop, against the compliance verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from fieldvisit.app.solve.contract_check import Checked, check_visits, instant, seconds_after
from fieldvisit.app.solve.model import Point as SpecPoint
from fieldvisit.app.solve.model import SolveProblem
from fieldvisit.app.solve.output import write_solution
from fieldvisit.domain.compliance import (
    Policy,
    RuleSet,
    build_ruleset,
    load_profile,
)
from fieldvisit.domain.errors import ValidationError
from fieldvisit.i18n import render
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.travel import Point, TravelParams, matrix

Planner = Callable[[rm.Problem, Budget], rm.Plan]


class SolveError(RuntimeError):
    """A plan failed a check it must pass: a bug, never returned as a result."""


def solve(problem: SolveProblem, planner: Planner) -> dict[str, Any]:
    """The solution document of ``problem`` (spec/solve.md, version 1)."""
    started = perf_counter()
    ruleset = _ruleset(problem)
    midnight = datetime.combine(problem.date, time(0), ZoneInfo(problem.timezone))
    checked = check_visits(problem, ruleset)
    plannable = [c for c in checked if c.allowed_sizes()]
    routing = routing_problem(problem, plannable, midnight)
    # The time limit is the solve's: the checks before planning (0.1 s per 1,000 visits) count.
    seconds = max(0.0, problem.time_limit_seconds - (perf_counter() - started))
    budget = Budget(iterations=problem.iterations, seconds=seconds, seed=problem.seed)
    plan = planner(routing, budget)
    _assert_compliant(plan, {c.visit.id: c for c in plannable}, problem, midnight)
    return write_solution(problem, checked, plan, midnight)


def _ruleset(problem: SolveProblem) -> RuleSet:
    try:
        return build_ruleset(load_profile(problem.profile), Policy.from_mapping(problem.policy))
    except ValidationError as exc:
        key = exc.params.get("key")
        path = f"policy.{key}" if key else "policy"
        problems = f"{path}: {render(exc.message, 'en')}"
        raise ValidationError("solve.input.invalid", problems=problems) from exc


def routing_problem(
    problem: SolveProblem, plannable: list[Checked], midnight: datetime
) -> rm.Problem:
    """The solver-neutral routing problem of the visits that may be planned."""
    places, index = _places(problem, plannable)
    travel = _travel(problem, places)
    crews = tuple(
        _crew(problem, crew_index, index, midnight) for crew_index in range(len(problem.crews))
    )
    visits = tuple(_visit(problem, c, index, midnight) for c in plannable)
    return rm.Problem(visits=visits, crews=crews, travel=travel)


def _places(
    problem: SolveProblem, plannable: list[Checked]
) -> tuple[list[tuple[str, SpecPoint]], dict[str, int]]:
    places: list[tuple[str, SpecPoint]] = []
    for crew in problem.crews:
        places += [(f"{crew.id}:start", crew.start), (f"{crew.id}:end", crew.end)]
    places += [(c.visit.id, c.visit.location) for c in plannable]
    return places, {name: i for i, (name, _) in enumerate(places)}


def _travel(problem: SolveProblem, places: list[tuple[str, SpecPoint]]) -> rm.Travel:
    spec = problem.travel
    if spec.matrix is None:
        points = [Point(p.lat, p.lon) for _, p in places]
        return matrix(points, TravelParams(spec.speed_kmh, spec.detour_factor))
    given = {name: i for i, name in enumerate(spec.matrix.ids)}
    missing = [name for name, _ in places if name not in given]
    if missing:
        raise ValidationError(
            "solve.input.invalid",
            problems=f"travel.matrix.ids: missing {', '.join(missing)}",
        )
    order = [given[name] for name, _ in places]
    # Whole minutes, rounded up, like the geodesic model: stated times stay legal.
    seconds = [[-(-spec.matrix.seconds[a][b] // 60) * 60 for b in order] for a in order]
    meters = [[spec.matrix.meters[a][b] for b in order] for a in order]
    return rm.TravelMatrix.of(seconds, meters)


def _crew(
    problem: SolveProblem, position: int, index: dict[str, int], midnight: datetime
) -> rm.Crew:
    crew = problem.crews[position]
    rule = None
    if crew.break_ is not None:
        rule = rm.BreakRule(
            seconds_after(midnight, crew.break_.earliest),
            seconds_after(midnight, crew.break_.latest),
            crew.break_.minutes * 60,
        )
    return rm.Crew(
        id=crew.id,
        start_location=index[f"{crew.id}:start"],
        end_location=index[f"{crew.id}:end"],
        shift=rm.Interval(
            seconds_after(midnight, crew.shift.start), seconds_after(midnight, crew.shift.end)
        ),
        break_rule=rule,
        max_visits=crew.max_visits,
        size=len(crew.members),
    )


def _visit(
    problem: SolveProblem, checked: Checked, index: dict[str, int], midnight: datetime
) -> rm.Visit:
    sizes = checked.allowed_sizes()
    verdict = checked.verdicts[min(sizes)]
    windows = verdict.start_windows_seconds(midnight)
    crews = frozenset(c.id for c in problem.crews if len(c.members) in sizes)
    return rm.Visit(
        id=checked.visit.id,
        location=index[checked.visit.id],
        service=checked.visit.service_minutes * 60,
        windows=tuple(rm.Interval(a, b) for a, b in windows),
        priority=checked.visit.priority,
        required=checked.visit.required,
        allowed_crews=crews if len(crews) < len(problem.crews) else None,
    )


def _assert_compliant(
    plan: rm.Plan, checked: dict[str, Checked], problem: SolveProblem, midnight: datetime
) -> None:
    sizes = {crew.id: len(crew.members) for crew in problem.crews}
    for route in plan.routes:
        for stop in route.stops:
            verdict = checked[stop.visit].verdicts[sizes[route.crew]]
            start = instant(midnight, stop.start)
            if verdict.blocked or not verdict.fits(start):
                raise SolveError(f"visit {stop.visit} at {start:%H:%M} breaks its verdict")
