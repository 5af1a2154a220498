"""Planning a crew's day: eligible cases in, an optimised or hand-ordered round out.

The compliance verdicts come from the eligibility service; the routing core orders the visits
inside their allowed start windows. Every result, optimised or manual, is re-checked slot by slot
(``slot_verdicts``), so a stop that breaks a rule can never be presented as legal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require, require_crew
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.evaluate import evaluate_order, replan_problem
from fieldvisit.routing.travel import Point
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    DayEligibility,
    Eligibility,
    SlotCheck,
    SlotRequest,
)
from fieldvisit.services.planning.loading import (
    CrewInfo,
    VisitPlace,
    crew_travel,
    load_case_numbers,
    load_crew,
    load_places,
)
from fieldvisit.services.planning.model import LeftOut, PlannedStop, RoundPlan

Planner = Callable[[rm.Problem, Budget], rm.Plan]
NO_LOCATION = "route.no_location"


@dataclass(frozen=True)
class DayRequest:
    """What to plan: a crew, a date, the cases (None = the crew's assigned cases), pins in order."""

    crew_id: int
    day: date
    case_ids: tuple[int, ...] | None = None
    pinned: tuple[int, ...] = ()
    template: DayTemplate = field(default_factory=DayTemplate)


@dataclass(frozen=True)
class RestOfDay:
    """Where a crew stands in a day under way: a re-plan starts here, at this time."""

    now: datetime
    position: tuple[float, float]
    break_taken: bool


@dataclass(frozen=True)
class PlanContext:
    """What planning a day reads once: crew, local midnight, verdicts, places, problem."""

    crew: CrewInfo
    midnight: datetime
    eligibility: DayEligibility
    places: dict[int, VisitPlace]
    problem: rm.Problem


class PlanningService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        eligibility: EligibilityService,
        planner: Planner,
    ) -> None:
        self._session_factory = session_factory
        self._eligibility = eligibility
        self._planner = planner

    def optimise(
        self, actor: Actor, request: DayRequest, budget: Budget, *, planner: Planner | None = None
    ) -> RoundPlan:
        """The best legal round the planner finds; pinned cases keep their given order.

        ``planner`` replaces the service's own for this call (the Plan screen passes one that
        runs in a child process with its progress bar and Cancel button).
        """
        context = self._context(actor, request)
        plan = (planner or self._planner)(context.problem, budget)
        result = self._result(actor, request, context, plan.routes[0], plan.unscheduled, ())
        return dataclasses.replace(result, optimal=plan.optimal)

    def replan(
        self,
        actor: Actor,
        request: DayRequest,
        rest: RestOfDay,
        budget: Budget,
        *,
        planner: Planner | None = None,
    ) -> RoundPlan:
        """The best legal rest of a day under way, from ``rest.position`` at ``rest.now``."""
        context = self._context(actor, request, start=rest.position)
        context, problems = _rest_of_day(context, rest)
        plan = (planner or self._planner)(context.problem, budget)
        return self._result(actor, request, context, plan.routes[0], plan.unscheduled, problems)

    def evaluate(self, actor: Actor, request: DayRequest, order: Sequence[int]) -> RoundPlan:
        """ETAs for cases in exactly this order, with every rule the order breaks."""
        context = self._context(actor, request)
        with self._session_factory() as s:
            numbers = load_case_numbers(s, order)
        route, problems = evaluated(context.problem, str(request.crew_id), order, numbers)
        return self._result(actor, request, context, route, (), problems)

    def _context(
        self, actor: Actor, request: DayRequest, start: tuple[float, float] | None = None
    ) -> PlanContext:
        require(actor, Permission.PLAN_ROUND)
        with self._session_factory() as s:
            crew = load_crew(s, request.crew_id)
            require_crew(actor, request.crew_id, crew.team_id)
            eligibility = self._eligibility.for_day(
                actor,
                request.day,
                request.crew_id,
                request.case_ids,
                service_minutes=request.template.service_minutes,
            )
            places = load_places(s, [c.case_id for c in eligibility.cases])
        midnight = datetime.combine(request.day, time(0), ZoneInfo(crew.timezone))
        problem = _routing_problem(crew, eligibility, places, request, midnight, start)
        return PlanContext(crew, midnight, eligibility, places, problem)

    def _result(
        self,
        actor: Actor,
        request: DayRequest,
        context: PlanContext,
        route: rm.Route,
        unscheduled: Sequence[rm.Unscheduled],
        problems: tuple[Message, ...],
    ) -> RoundPlan:
        slots = route_slots(context, route)
        checks = self._eligibility.slot_verdicts(actor, request.day, request.crew_id, slots)
        left = left_out(context, {s.visit for s in route.stops}, unscheduled)
        return checked_round(request, context, route, checks, left, problems)


def evaluated(
    problem: rm.Problem, crew_id: str, order: Sequence[int], numbers: Mapping[int, str]
) -> tuple[rm.Route, tuple[Message, ...]]:
    """The crew's route in exactly this order, and every routing rule the order breaks.

    ``numbers`` names the cases (case number by id) in the messages.
    """

    def named(visit: str | None) -> str:
        return numbers.get(int(visit), visit) if visit and visit.isdigit() else visit or ""

    known = {v.id for v in problem.visits}
    missing = [str(case_id) for case_id in order if str(case_id) not in known]
    if missing:
        cases = ", ".join(named(case_id) for case_id in missing)
        raise ValidationError("round.error.not_plannable", cases=cases)
    result = evaluate_order(problem, crew_id, [str(c) for c in order])
    problems = tuple(
        Message(f"route.violation.{v.kind}", {"visit": named(v.visit), "detail": v.detail})
        for v in result.violations
    )
    return result.route, problems


def route_slots(context: PlanContext, route: rm.Route) -> list[SlotRequest]:
    """The route's stops as fixed slots for the compliance re-check."""
    return [SlotRequest(int(s.visit), _instant(context.midnight, s.start)) for s in route.stops]


def checked_round(
    request: DayRequest,
    context: PlanContext,
    route: rm.Route,
    checks: Sequence[SlotCheck],
    left: tuple[LeftOut, ...],
    problems: tuple[Message, ...],
) -> RoundPlan:
    """A routed day as a plan; a stop whose slot re-check fails adds a problem, never hides."""

    def at(seconds: int) -> datetime:
        return _instant(context.midnight, seconds)

    by_case = context.eligibility.by_case()
    crew = context.problem.crew(route.crew)
    travel = context.problem.travel_of(crew).seconds
    location = {v.id: v.location for v in context.problem.visits}
    stops, here = [], crew.start_location
    for stop, check in zip(route.stops, checks, strict=True):
        case, there = by_case[int(stop.visit)], location[stop.visit]
        place = context.places[case.case_id]
        if not check.fits or check.status is Eligibility.BLOCKED:
            problems += (Message("round.error.slot_breaks_rules", {"case": case.case_number}),)
        stops.append(
            PlannedStop(
                case.case_id,
                case.case_number,
                place.address_id,
                place.lat,
                place.lon,
                at(stop.arrive),
                at(stop.start),
                at(stop.end),
                travel[here][there],
                case.case_id in request.pinned,
                check,
                case.intervals,
            )
        )
        here = there
    rest = route.break_
    return RoundPlan(
        request.crew_id,
        request.day,
        at(route.depart),
        at(route.return_),
        at(rest.start) if rest else None,
        at(rest.end) if rest else None,
        tuple(stops),
        left,
        route.travel_seconds,
        route.travel_meters,
        context.eligibility.rulesets,
        problems,
    )


def _rest_of_day(context: PlanContext, rest: RestOfDay) -> tuple[PlanContext, tuple[Message, ...]]:
    """The context of a re-plan: the shift from ``rest.now`` on, the break if still to be taken.

    A break that no longer fits the day is dropped with a warning rather than refusing the
    re-plan: a crew running late still needs its route.
    """
    problem, crew = context.problem, context.problem.crews[0]
    now = -(-int(rest.now.timestamp() - context.midnight.timestamp()) // 60) * 60  # whole minute
    if not crew.shift.start <= now <= crew.shift.end:
        raise ValidationError("replan.error.outside_shift")
    start = crew.start_location
    try:
        rest_problem = replan_problem(
            problem, crew.id, now=now, location=start, finished=(), break_taken=rest.break_taken
        )
        problems: tuple[Message, ...] = ()
    except rm.ProblemError:
        rest_problem = replan_problem(
            problem, crew.id, now=now, location=start, finished=(), break_taken=True
        )
        problems = (Message("replan.warning.break_dropped", {}),)
    return dataclasses.replace(context, problem=rest_problem), problems


def _instant(midnight: datetime, seconds: int) -> datetime:
    return datetime.fromtimestamp(midnight.timestamp() + seconds, midnight.tzinfo)


def _seconds(midnight: datetime, wall: time) -> int:
    return int(
        (midnight + timedelta(hours=wall.hour, minutes=wall.minute)).timestamp()
        - midnight.timestamp()
    )


def _routing_problem(
    crew: CrewInfo,
    eligibility: DayEligibility,
    places: dict[int, VisitPlace],
    request: DayRequest,
    midnight: datetime,
    start: tuple[float, float] | None = None,
) -> rm.Problem:
    """One crew's day; it starts at ``start`` when given (a re-plan), else at the crew's base."""
    plannable = [c for c in eligibility.cases if not c.blocked and c.case_id in places]
    base = crew.base or (
        (places[plannable[0].case_id].lat, places[plannable[0].case_id].lon)
        if plannable
        else (0.0, 0.0)
    )
    points = [Point(*base)] + [
        Point(places[c.case_id].lat, places[c.case_id].lon) for c in plannable
    ]
    template = request.template
    pins = {case_id: position for position, case_id in enumerate(request.pinned)}
    visits = tuple(
        routing_visit(c, places[c.case_id], index + 1, midnight, pins, str(crew.id))
        for index, c in enumerate(plannable)
    )
    if start is not None:
        points.append(Point(*start))
    crew_spec = routing_crew(crew, template, midnight, 0)
    if start is not None:
        crew_spec = dataclasses.replace(crew_spec, start_location=len(points) - 1)
    return rm.Problem(visits, (crew_spec,), crew_travel(crew, points))


def routing_crew(
    crew: CrewInfo, template: DayTemplate, midnight: datetime, location: int
) -> rm.Crew:
    """The crew's day for the router (shift, break, size), from and back to ``location``."""
    return rm.Crew(
        id=str(crew.id),
        start_location=location,
        end_location=location,
        shift=rm.Interval(
            _seconds(midnight, template.shift_start), _seconds(midnight, template.shift_end)
        ),
        break_rule=rm.BreakRule(
            _seconds(midnight, template.break_earliest),
            _seconds(midnight, template.break_latest),
            template.break_minutes * 60,
        ),
        max_visits=template.max_visits,
        size=max(1, len(crew.member_ids)),
    )


def routing_visit(
    case: CaseEligibility,
    place: VisitPlace,
    location: int,
    midnight: datetime,
    pins: dict[int, int],
    crew_id: str,
) -> rm.Visit:
    windows = case.verdict.start_windows_seconds(midnight, case.service_minutes)
    pinned = case.case_id in pins
    return rm.Visit(
        id=str(case.case_id),
        location=location,
        service=case.service_minutes * 60,
        windows=tuple(rm.Interval(a, b) for a, b in windows),
        priority=place.priority,
        required=pinned,
        pinned_crew=crew_id if pinned else None,
        pinned_position=pins.get(case.case_id),
    )


def left_out(
    context: PlanContext, planned: Collection[str], unscheduled: Sequence[rm.Unscheduled]
) -> tuple[LeftOut, ...]:
    """The context's cases not in ``planned``, each with its compliance reasons or route codes."""
    codes = {u.visit: u.reasons for u in unscheduled}
    out = []
    for case in context.eligibility.cases:
        if str(case.case_id) in planned:
            continue
        if case.blocked:
            out.append(LeftOut(case.case_id, case.case_number, case.reasons, ()))
        elif case.case_id not in context.places:
            out.append(LeftOut(case.case_id, case.case_number, (), (NO_LOCATION,)))
        elif str(case.case_id) in codes:
            out.append(
                LeftOut(case.case_id, case.case_number, case.reasons, codes[str(case.case_id)])
            )
    return tuple(out)
