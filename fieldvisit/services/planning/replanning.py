"""Mid-day re-plan: the rest of a round under way, from the crew's time and place, re-optimised.

Finished stops (a visit made or started, a stop skipped or cancelled) are never touched. A stop
that stays keeps its row and its approval unless the re-plan gives it an exception that was not
approved; only such new exceptions go to a manager, and the crew works on meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from fieldvisit.domain import rounds as lifecycle
from fieldvisit.domain.access import Actor, Permission, require, require_crew
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import RoundStatus, StopApproval, StopStatus, VisitStatus
from fieldvisit.domain.errors import ConflictError, NotFoundError, ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.conflicts import round_race
from fieldvisit.services.planning.day import DayRequest, Planner, PlanningService, RestOfDay
from fieldvisit.services.planning.loading import load_crew
from fieldvisit.services.planning.model import PlannedStop, RoundPlan
from fieldvisit.services.planning.rounds import SavedRound, approval_rules, snapshot, stored_stop
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class ReplanRequest:
    """Re-plan a round under way: cases to add (an urgent one) or drop (no access), and why."""

    round_id: int
    reason: str
    add: tuple[int, ...] = ()
    drop: tuple[int, ...] = ()
    template: DayTemplate = field(default_factory=DayTemplate)


@dataclass(frozen=True)
class FinishedStop:
    seq: int
    case_id: int
    status: str  # the stop's status, or "visiting" while its visit is open


@dataclass(frozen=True)
class Replan:
    """A proposed rest of the day; ``apply`` saves it unless the round changed meanwhile."""

    round_id: int
    version: int
    reason: str
    finished: tuple[FinishedStop, ...]
    plan: RoundPlan  # the stops still to make, from now on
    approvals: tuple[StopApproval, ...]  # one per ``plan.stops``
    dropped: tuple[int, ...]  # cases of the old rest that the new one leaves out

    @property
    def needs_approval(self) -> bool:
        return StopApproval.PENDING in self.approvals

    @property
    def first_seq(self) -> int:
        """The sequence number of the first stop still to make."""
        return max((f.seq for f in self.finished), default=0) + 1

    @property
    def summary(self) -> Message:
        return Message(
            "replan.summary",
            {
                "kept": len(self.finished),
                "stops": len(self.plan.stops),
                "dropped": len(self.dropped),
            },
        )


@dataclass(frozen=True)
class _DayUnderWay:
    saved: m.Round
    finished: list[m.RoundStop]
    rest: list[m.RoundStop]
    open_visit: m.Visit | None
    last_visit: m.Visit | None


class ReplanService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        planning: PlanningService,
        audit: AuditLog,
        clock: Clock,
    ) -> None:
        self._session_factory = session_factory
        self._planning = planning
        self._audit = audit
        self._clock = clock

    def propose(
        self,
        actor: Actor,
        request: ReplanRequest,
        budget: Budget,
        *,
        planner: Planner | None = None,
    ) -> Replan:
        """The best legal rest of the day; nothing is saved until ``apply``."""
        if not request.reason.strip():
            raise ValidationError("replan.error.reason_required")
        with self._session_factory() as s:
            day = _day_under_way(s, actor, request.round_id)
            saved = day.saved
            case_ids = _rest_cases(day, request)
            # An added case is urgent: it must be in the day, another stop gives way if need be.
            pinned = tuple(
                st.case_id for st in day.rest if st.pinned and st.case_id not in request.drop
            ) + tuple(c for c in request.add if c not in request.drop)
            now = self._now(day)
            rest = RestOfDay(now, _position(s, day), _break_taken(day, now))
            template = _fewer_visits(request.template, len(day.finished))
            previous = {st.case_id: st for st in day.rest}
            finished = tuple(_finished(st, day.open_visit) for st in day.finished)
            version, crew_id, plan_date = saved.version, saved.crew_id, saved.plan_date
        plan = self._planning.replan(
            actor,
            DayRequest(crew_id, plan_date, case_ids, pinned, template),
            rest,
            budget,
            planner=planner,
        )
        kept = {stop.case_id for stop in plan.stops}
        return Replan(
            request.round_id,
            version,
            request.reason.strip(),
            finished,
            plan,
            tuple(_approval(stop, previous.get(stop.case_id)) for stop in plan.stops),
            tuple(case_id for case_id in previous if case_id not in kept),
        )

    def apply(self, actor: Actor, replan: Replan) -> SavedRound:
        """Save the proposal: finished stops untouched, the rest replaced, all in one go."""
        try:
            with round_race(self._session_factory, round_id=replan.round_id):
                return self._apply(actor, replan)
        except IntegrityError as exc:
            # The crew started a stop this re-plan removes, between our check and our commit.
            raise ConflictError("replan.error.visits_changed") from exc

    def _apply(self, actor: Actor, replan: Replan) -> SavedRound:
        with self._session_factory.begin() as s:
            day = _day_under_way(s, actor, replan.round_id)
            saved = day.saved
            if saved.version != replan.version:
                raise ConflictError("round.error.stale", version=saved.version)
            if {st.case_id for st in day.finished} != {f.case_id for f in replan.finished}:
                # A visit started since the proposal: re-planning it away would lose it.
                raise ConflictError("replan.error.visits_changed")
            before = snapshot(saved)
            _replace_rest(s, saved, day, replan)
            saved.updated_at = self._clock()
            flag_modified(saved, "updated_at")  # a re-plan is a new version of the round
            s.flush()
            self._audit.record(
                s,
                actor_id=actor.user_id,
                action="round.replanned",
                entity_type="round",
                entity_id=saved.id,
                before=before,
                after={
                    **snapshot(saved),
                    "reason": replan.reason,
                    "pending": [st.id for st in saved.stops if st.approval == StopApproval.PENDING],
                },
            )
            return SavedRound(saved.id, saved.version, RoundStatus.IN_PROGRESS, False)

    def _now(self, day: _DayUnderWay) -> datetime:
        """Now, or the end of the visit the crew is still making, whichever is later."""
        now = self._clock()
        visit = day.open_visit
        if visit is not None and visit.planned_end is not None:
            return max(now, visit.planned_end)
        return now


def _day_under_way(s: Session, actor: Actor, round_id: int) -> _DayUnderWay:
    require(actor, Permission.PLAN_ROUND)
    saved = s.get(m.Round, round_id)
    if saved is None:
        raise NotFoundError("round.error.not_found", round=round_id)
    crew = load_crew(s, saved.crew_id)
    require_crew(actor, saved.crew_id, crew.team_id)
    lifecycle.replan(RoundStatus(saved.status))
    visits = {
        v.round_stop_id: v
        for v in s.scalars(
            select(m.Visit).where(m.Visit.round_stop_id.in_([st.id for st in saved.stops]))
        )
    }
    finished = [st for st in saved.stops if st.id in visits or st.status != StopStatus.PLANNED]
    rest = [st for st in saved.stops if st not in finished]
    made = sorted(visits.values(), key=lambda v: (v.arrived_at or v.created_at, v.id))
    open_visits = [v for v in made if v.status == VisitStatus.OPEN]
    return _DayUnderWay(
        saved,
        finished,
        rest,
        open_visits[-1] if open_visits else None,
        made[-1] if made else None,
    )


def _rest_cases(day: _DayUnderWay, request: ReplanRequest) -> tuple[int, ...]:
    done = {st.case_id for st in day.finished}
    again = sorted(done & set(request.add))
    if again:
        raise ValidationError("replan.error.already_visited", cases=", ".join(map(str, again)))
    rest = [st.case_id for st in day.rest if st.case_id not in request.drop]
    return tuple(dict.fromkeys(rest + list(request.add)))


def _position(s: Session, day: _DayUnderWay) -> tuple[float, float]:
    """Where the crew is: its last check-in, that visit's address, else the day's start."""
    visit = day.last_visit
    if visit is not None:
        if visit.arrive_lat is not None and visit.arrive_lon is not None:
            return visit.arrive_lat, visit.arrive_lon
        address = s.get_one(m.Address, visit.address_id)
        if address.lat is not None and address.lon is not None:
            return address.lat, address.lon
    crew = load_crew(s, day.saved.crew_id)
    if crew.base is not None:
        return crew.base
    for stop in day.rest:
        address = s.get_one(m.Address, stop.address_id)
        if address.lat is not None and address.lon is not None:
            return address.lat, address.lon
    raise ValidationError("replan.error.no_position")


def _break_taken(day: _DayUnderWay, now: datetime) -> bool:
    start = day.saved.break_start
    return start is not None and start <= now


def _fewer_visits(template: DayTemplate, made: int) -> DayTemplate:
    return replace(template, max_visits=max(0, template.max_visits - made))


def _finished(stop: m.RoundStop, open_visit: m.Visit | None) -> FinishedStop:
    visiting = open_visit is not None and open_visit.round_stop_id == stop.id
    return FinishedStop(stop.seq, stop.case_id, "visiting" if visiting else stop.status)


def _approval(stop: PlannedStop, before: m.RoundStop | None) -> StopApproval:
    if before is None:
        return lifecycle.replanned_approval(stop.approval_rules, None, frozenset())
    return lifecycle.replanned_approval(
        stop.approval_rules, StopApproval(before.approval), frozenset(approval_rules(before))
    )


def _replace_rest(s: Session, saved: m.Round, day: _DayUnderWay, replan: Replan) -> None:
    """Rows of stops that stay are updated in place (their ids may be in a crew's offline queue)."""
    previous = {st.case_id: st for st in day.rest}
    for stop in day.rest:
        stop.seq = -stop.id  # out of the way of the new sequence numbers
    s.flush()
    first = max((st.seq for st in day.finished), default=0) + 1
    for seq, (planned, approval) in enumerate(
        zip(replan.plan.stops, replan.approvals, strict=True), start=first
    ):
        row = stored_stop(planned, seq)
        row.approval = approval
        kept = previous.pop(planned.case_id, None)
        if kept is None:
            saved.stops.append(row)
        else:
            _copy_plan(row, kept)
    for gone in previous.values():
        saved.stops.remove(gone)
    plan = replan.plan
    if not _break_taken(day, plan.depart):
        saved.break_start, saved.break_end = plan.break_start, plan.break_end
    saved.shift_end = plan.return_
    done_travel = sum(st.travel_seconds_before or 0 for st in day.finished)
    saved.travel_seconds = done_travel + plan.travel_seconds


def _copy_plan(source: m.RoundStop, target: m.RoundStop) -> None:
    for name in (
        "seq",
        "pinned",
        "service_minutes",
        "planned_arrive",
        "planned_start",
        "planned_end",
        "travel_seconds_before",
        "checks",
        "approval",
    ):
        setattr(target, name, getattr(source, name))
