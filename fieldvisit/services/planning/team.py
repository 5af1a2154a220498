"""Planning a team's day (manager): several crews routed together, rebalanced by hand, handed out.

One routing problem holds every crew (its own start, shift, break, size and maximum), so no case
goes to two crews and a case only goes to a crew that may visit it. Every result, optimised or
moved by hand, is re-checked crew by crew and slot by slot, so a move that breaks a rule is shown.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require, require_team
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.progress import StageCallback
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.services.planning.day import (
    DayRequest,
    Planner,
    checked_round,
    evaluated,
    left_out,
    route_slots,
)
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import SlotCheck
from fieldvisit.services.planning.loading import load_case_numbers, load_places
from fieldvisit.services.planning.review import CrewChoice
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.team_build import (
    TeamContext,
    candidate_cases,
    load_crews,
    team_context,
)
from fieldvisit.services.planning.team_model import (
    HELD,
    CrewRound,
    HandOut,
    HeldRound,
    TeamPlan,
    TeamRequest,
)
from fieldvisit.storage import models as m

Problems = Mapping[int, tuple[Message, ...]]


def _no_stages(stage: str, done: int, total: int, /) -> None:
    return None


def new_team_plan_id() -> str:
    return str(uuid.uuid4())


class TeamPlanningService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        eligibility: EligibilityService,
        planner: Planner,
        rounds: RoundService,
        *,
        new_id: Callable[[], str] = new_team_plan_id,
    ) -> None:
        self._session_factory = session_factory
        self._eligibility = eligibility
        self._planner = planner
        self._rounds = rounds
        self._new_id = new_id

    def crews(self, actor: Actor) -> list[CrewChoice]:
        """The crews the manager may plan together (the team plan's crew list)."""
        _require_manager(actor)
        return self._rounds.crews(actor)

    def team_of(self, crew_id: int) -> int:
        """The team a crew belongs to (the command line plans ``--crew`` lists by team)."""
        with self._session_factory() as s:
            return load_crews(s, None, [crew_id])[0].team_id

    def optimise(
        self,
        actor: Actor,
        request: TeamRequest,
        budget: Budget,
        *,
        planner: Planner | None = None,
        stages: StageCallback = _no_stages,
    ) -> TeamPlan:
        """The best legal rounds the planner finds for all the crews at once.

        ``planner`` replaces the service's own for this call (the screen's child process);
        ``stages`` hears "eligibility" (crew by crew), "search" and "checks" (crew by crew), so a
        screen can show how far a large team's day got.
        """
        context = self._context(actor, request, stages)
        # The versions planning starts from: a crew's round saved meanwhile refuses hand-out.
        versions = {c.id: self._rounds.current_version(c.id, request.day) for c in context.crews}
        stages("search", 0, 0)
        # One solve: the problem carries each crew's own travel speed.
        plan = (planner or self._planner)(context.problem, budget)
        routes = {route.crew: route for route in plan.routes}
        return self._result(actor, context, request, routes, plan.unscheduled, {}, versions, stages)

    def move(
        self, actor: Actor, team_plan: TeamPlan, case_id: int, to_crew_id: int, position: int
    ) -> TeamPlan:
        """``case_id`` moved to ``to_crew_id`` at ``position`` (a left-out case too), re-checked.

        The two crews' fixed orders are evaluated as given; a broken rule is in their problems.
        """
        request = team_plan.request
        if to_crew_id not in {c.crew_id for c in team_plan.crews}:
            raise ValidationError("team_plan.error.crew_not_in_plan", crew=to_crew_id)
        context = self._context(actor, request)
        orders = {c.crew_id: list(c.order) for c in team_plan.crews}
        source = team_plan.crew_of(case_id)
        if source is not None:
            orders[source].remove(case_id)
        target = orders[to_crew_id]
        target.insert(max(0, min(position, len(target))), case_id)
        known = {v.id for v in context.problem.visits}
        changed = {to_crew_id} | ({source} if source is not None else set())
        # A crew whose stops can no longer be planned (a rule changed meanwhile) is re-evaluated
        # too, which names those cases instead of silently keeping them.
        changed |= {c for c, order in orders.items() if not {str(i) for i in order} <= known}
        routes = {str(c.crew_id): c.route for c in team_plan.crews}
        problems = {c.crew_id: c.route_problems for c in team_plan.crews}
        with self._session_factory() as s:
            numbers = load_case_numbers(s, [i for order in orders.values() for i in order])
        for crew_id in changed:
            routes[str(crew_id)], problems[crew_id] = evaluated(
                context.problem, str(crew_id), orders[crew_id], numbers
            )
        versions = {c.crew_id: c.version for c in team_plan.crews}
        return self._result(
            actor, context, request, routes, team_plan.unscheduled, problems, versions
        )

    def held_rounds(self, actor: Actor, team_plan: TeamPlan) -> list[HeldRound]:
        """The crews' rounds a hand-out must not replace silently: approved, under way or done."""
        _require_manager(actor)
        out = []
        for crew in team_plan.to_hand_out:
            detail = self._rounds.for_day(actor, crew.crew_id, team_plan.day)
            if detail is not None and detail.status in HELD:
                cases = tuple(stop.case_number for stop in detail.stops)
                out.append(HeldRound(crew.crew_id, crew.name, detail.status, cases))
        return out

    def hand_out(
        self, actor: Actor, team_plan: TeamPlan, *, withdraw: Collection[int] = ()
    ) -> HandOut:
        """Every crew's round saved as a draft under one new team plan id: all, or none.

        A crew whose round is already approved keeps it unless its id is in ``withdraw`` (the
        manager was asked and agreed); a round under way or closed is always kept. Refused while
        a round breaks a rule, when a crew's round changed since planning, or when a kept
        round's case would also go to another crew.
        """
        _require_manager(actor)
        broken = [c.name for c in team_plan.crews if c.broken]
        if broken:
            raise ValidationError("team_plan.error.broken", crews=", ".join(broken))
        for crew in team_plan.crews:
            current = self._rounds.current_version(crew.crew_id, team_plan.day)
            if current != crew.version:
                raise ConflictError("team_plan.error.stale", crew=crew.name, version=current)
        held = self.held_rounds(actor, team_plan)
        kept = tuple(
            h for h in held if h.crew_id not in withdraw or h.status is not RoundStatus.APPROVED
        )
        skipped = {h.crew_id for h in kept}
        crews = [c for c in team_plan.to_hand_out if c.crew_id not in skipped]
        taken = {n: h.crew_name for h in kept for n in h.case_numbers}
        clash = sorted(
            {s.case_number for c in crews for s in c.plan.stops if s.case_number in taken}
        )
        if clash:
            raise ValidationError(
                "team_plan.error.kept_cases",
                cases=", ".join(clash),
                crews=", ".join(sorted({taken[n] for n in clash})),
            )
        if not crews:
            raise ValidationError("round.error.empty")
        saved = self._rounds.save_team(actor, [(c.plan, c.version) for c in crews], self._new_id())
        return HandOut({c.crew_id: r for c, r in zip(crews, saved, strict=True)}, kept)

    def _context(
        self, actor: Actor, request: TeamRequest, stages: StageCallback = _no_stages
    ) -> TeamContext:
        _require_manager(actor)
        with self._session_factory() as s:
            crews = load_crews(s, request.team_id, request.crew_ids)
            require_team(actor, crews[0].team_id)
            ids = request.case_ids
            if ids is None:
                ids = candidate_cases(s, crews[0].team_id, [c.id for c in crews])
            places = load_places(s, list(ids))
            held = _held_crews(s, [crew.id for crew in crews], request.day)
        # An approved or started round stays the crew's unless the manager withdraws it at
        # hand-out, so its visits count for the other crews and no case goes to two crews.
        replacing = [crew.id for crew in crews if crew.id not in held]
        minutes = request.template.service_minutes
        verdicts = {}
        for done, crew in enumerate(crews):
            stages("eligibility", done, len(crews))
            verdicts[crew.id] = self._eligibility.for_day(
                actor, request.day, crew.id, ids, service_minutes=minutes, replacing=replacing
            )
        midnight = datetime.combine(request.day, time(0), ZoneInfo(crews[0].timezone))
        return team_context(crews, verdicts, places, request.template, midnight)

    def _result(
        self,
        actor: Actor,
        context: TeamContext,
        request: TeamRequest,
        routes: Mapping[str, rm.Route],
        unscheduled: Sequence[rm.Unscheduled],
        problems: Problems,
        versions: Mapping[int, int | None],
        stages: StageCallback = _no_stages,
    ) -> TeamPlan:
        checks = self._checks(actor, context, request.day, routes, stages)
        out = []
        for crew in context.crews:
            route, found = routes[str(crew.id)], problems.get(crew.id, ())
            day = DayRequest(crew.id, request.day, context.case_ids, template=request.template)
            plan = checked_round(day, context.per_crew[crew.id], route, checks[crew.id], (), found)
            out.append(CrewRound(crew.id, crew.name, plan, route, versions.get(crew.id), found))
        planned = {s.visit for route in routes.values() for s in route.stops}
        left = left_out(context.overall, planned, unscheduled)
        fixed = dataclasses.replace(
            request,
            team_id=context.team_id,
            crew_ids=tuple(c.id for c in context.crews),
            case_ids=context.case_ids,
        )
        return TeamPlan(fixed, context.team_id, tuple(out), left, tuple(unscheduled))

    def _checks(
        self,
        actor: Actor,
        context: TeamContext,
        day: date,
        routes: Mapping[str, rm.Route],
        stages: StageCallback = _no_stages,
    ) -> dict[int, tuple[SlotCheck, ...]]:
        """Each crew's slots re-checked for that crew, slot by slot.

        Every crew's slots go in, so two crews visiting one debtor that day count against each
        other's daily limit; each crew keeps its own share of the answer.
        """
        crews = context.crews
        with self._session_factory() as s:
            held = _held_crews(s, [c.id for c in crews], day)
        slots = {c.id: route_slots(context.per_crew[c.id], routes[str(c.id)]) for c in crews}
        everything = [slot for crew in crews for slot in slots[crew.id]]
        replacing = [crew.id for crew in crews if crew.id not in held]
        out: dict[int, tuple[SlotCheck, ...]] = {}
        offset = 0
        for done, crew in enumerate(crews):
            stages("checks", done, len(crews))
            mine = len(slots[crew.id])
            out[crew.id] = ()
            if mine:
                found = self._eligibility.slot_verdicts(actor, day, crew.id, everything, replacing)
                out[crew.id] = found[offset : offset + mine]
            offset += mine
        return out


def _held_crews(s: Session, crew_ids: Sequence[int], day: date) -> set[int]:
    """The crews whose saved round for ``day`` is approved, under way or closed."""
    rows = s.scalars(
        select(m.Round.crew_id).where(
            m.Round.crew_id.in_(crew_ids), m.Round.plan_date == day, m.Round.status.in_(HELD)
        )
    )
    return set(rows)


def _require_manager(actor: Actor) -> None:
    """Team plans are a manager's work: they plan rounds and may approve other crews' rounds."""
    require(actor, Permission.PLAN_ROUND)
    require(actor, Permission.APPROVE_ROUND)
