"""Planning a crew's day: eligible cases in, an optimised or hand-ordered round out.

The compliance verdicts come from the eligibility service; the routing core orders the visits
inside their allowed start windows. Every result, optimised or manual, is re-checked slot by slot
(``check_slots``), so a stop that breaks a rule can never be presented as legal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require, require_team
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.evaluate import evaluate_order
from fieldvisit.routing.travel import Point, matrix
from fieldvisit.services.eligibility import EligibilityService
from fieldvisit.services.eligibility_model import (
    CaseEligibility,
    DayEligibility,
    Eligibility,
    SlotRequest,
)
from fieldvisit.services.planning_load import CrewInfo, VisitPlace, load_crew, load_places
from fieldvisit.services.planning_model import LeftOut, PlannedStop, RoundPlan

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
class _Context:
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
        return self._result(actor, request, context, plan.routes[0], plan.unscheduled, ())

    def evaluate(self, actor: Actor, request: DayRequest, order: Sequence[int]) -> RoundPlan:
        """ETAs for cases in exactly this order, with every rule the order breaks."""
        context = self._context(actor, request)
        known = {v.id for v in context.problem.visits}
        missing = [case_id for case_id in order if str(case_id) not in known]
        if missing:
            raise ValidationError("round.error.not_plannable", cases=", ".join(map(str, missing)))
        result = evaluate_order(context.problem, str(request.crew_id), [str(c) for c in order])
        problems = tuple(
            Message(f"route.violation.{v.kind}", {"visit": v.visit or "", "detail": v.detail})
            for v in result.violations
        )
        return self._result(actor, request, context, result.route, (), problems)

    def _context(self, actor: Actor, request: DayRequest) -> _Context:
        require(actor, Permission.PLAN_ROUND)
        with self._session_factory() as s:
            crew = load_crew(s, request.crew_id)
            require_team(actor, crew.team_id)
            if actor.role.value == "collector" and request.crew_id not in actor.crew_ids:
                raise PermissionDeniedError("round.error.not_your_crew")
            eligibility = self._eligibility.for_day(
                actor,
                request.day,
                request.crew_id,
                request.case_ids,
                service_minutes=request.template.service_minutes,
            )
            places = load_places(s, [c.case_id for c in eligibility.cases])
        midnight = datetime.combine(request.day, time(0), ZoneInfo(crew.timezone))
        problem = _routing_problem(crew, eligibility, places, request, midnight)
        return _Context(crew, midnight, eligibility, places, problem)

    def _result(
        self,
        actor: Actor,
        request: DayRequest,
        context: _Context,
        route: rm.Route,
        unscheduled: Sequence[rm.Unscheduled],
        problems: tuple[Message, ...],
    ) -> RoundPlan:
        def at(seconds: int) -> datetime:
            return _instant(context.midnight, seconds)

        slots = [SlotRequest(int(s.visit), at(s.start)) for s in route.stops]
        checks = self._eligibility.check_slots(actor, request.day, request.crew_id, slots)
        by_case = context.eligibility.by_case()
        travel = context.problem.travel.seconds
        location = {v.id: v.location for v in context.problem.visits}
        stops, here = [], 0
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
            _left_out(context, route, unscheduled),
            route.travel_seconds,
            route.travel_meters,
            context.eligibility.rulesets,
            problems,
        )


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
) -> rm.Problem:
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
        _visit(c, places[c.case_id], index + 1, midnight, pins, str(crew.id))
        for index, c in enumerate(plannable)
    )
    crew_spec = rm.Crew(
        id=str(crew.id),
        start_location=0,
        end_location=0,
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
    return rm.Problem(visits, (crew_spec,), matrix(points))


def _visit(
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


def _left_out(
    context: _Context, route: rm.Route, unscheduled: Sequence[rm.Unscheduled]
) -> tuple[LeftOut, ...]:
    planned = {s.visit for s in route.stops}
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
