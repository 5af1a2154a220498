"""At the door: start a visit, check in (a timed safety session), extend, SOS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.check_in_rules import StopTime, check_in_flag, judge_check_in
from fieldvisit.domain.enums import RiskTier, SafetySessionState, VisitStatus
from fieldvisit.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from fieldvisit.domain.safety_machine import extend, open_session, sos
from fieldvisit.domain.safety_state import SafetyState, Transition
from fieldvisit.services.field.effects import transact
from fieldvisit.services.field.risk_register import assess
from fieldvisit.services.field.store import SafetyDeps, crew_of
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class Position:
    """Where the crew was at check-in, check-out or SOS; never tracked in between."""

    lat: float
    lon: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class CheckIn:
    visit_id: int
    position: Position | None = None
    minutes: int | None = None  # None: the risk tier's length
    until: datetime | None = None  # a fixed check-out time instead
    at: datetime | None = None  # when it happened, for an event queued while offline
    client_event_id: str | None = None
    location: str | None = None  # "ok", "denied" or "unavailable": a refusal is recorded too
    reason: str | None = None  # why the crew checks in on a round of another day
    queued: bool = False  # delivered late from the offline queue: flagged, never refused


@dataclass(frozen=True)
class SessionInfo:
    session_id: int
    visit_id: int | None
    opened_at: datetime
    expected_end: datetime
    risk_tier: RiskTier
    grace_minutes: int
    relayed: bool


def _info(row: m.SafetySession) -> SessionInfo:
    return SessionInfo(
        row.id,
        row.visit_id,
        row.opened_at,
        row.expected_end,
        RiskTier(row.risk_tier),
        row.grace_minutes,
        row.relayed,
    )


def already_applied(s: Session, client_event_id: str | None) -> m.SafetyEvent | None:
    """The stored event with this client id: a re-sent queued event is applied once."""
    if client_event_id is None:
        return None
    return s.scalars(
        select(m.SafetyEvent).where(m.SafetyEvent.client_event_id == client_event_id)
    ).one_or_none()


def check_member(s: Session, actor: Actor, row: m.SafetySession, relayed: bool) -> None:
    """The crew acts for itself; a dispatcher acts for it only as a relayed action."""
    if relayed:
        require(actor, Permission.RELAY_CHECK_IN)
    else:
        require(actor, Permission.RECORD_VISIT)
        if actor.user_id not in crew_of(s, row):
            raise PermissionDeniedError("safety.error.not_crew")


class FieldVisits:
    """The crew's actions at a visit; each is one transaction with its audit entries."""

    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def start_visit(self, actor: Actor, case_id: int, crew_id: int, address_id: int) -> int:
        """A visit by a crew to one address of a case (a round stop's, or an unplanned one)."""
        require(actor, Permission.RECORD_VISIT)
        with self._deps.session_factory.begin() as s:
            case = s.get(m.Case, case_id)
            crew = s.get(m.Crew, crew_id)
            if case is None or crew is None or s.get(m.Address, address_id) is None:
                raise NotFoundError("safety.error.no_visit_target", case_id=case_id)
            members = [member.user_id for member in crew.members]
            if actor.user_id not in members:
                raise PermissionDeniedError("safety.error.not_crew")
            visit = m.Visit(
                case_id=case_id,
                address_id=address_id,
                crew_id=crew_id,
                status=VisitStatus.OPEN.value,
                created_at=self._deps.clock(),
                members=[m.VisitMember(user_id=user) for user in members],
            )
            s.add(visit)
            s.flush()
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="visit.started",
                entity_type="visit",
                entity_id=visit.id,
                after={"case_id": case_id, "crew_id": crew_id},
            )
            return visit.id

    def check_in(self, actor: Actor, request: CheckIn, *, relayed: bool = False) -> SessionInfo:
        with self._deps.session_factory.begin() as s:
            done = already_applied(s, request.client_event_id)
            if done is not None:
                return _info(s.get_one(m.SafetySession, done.session_id))
            visit = s.get(m.Visit, request.visit_id)
            if visit is None:
                raise NotFoundError("safety.error.no_visit", visit_id=request.visit_id)
            self._check_crew(s, actor, visit, relayed)
            if open_session_of(s, visit.id) is not None:
                raise ConflictError("safety.error.already_checked_in", visit_id=visit.id)
            row = self._open(s, actor, visit, request, relayed)
            return _info(row)

    def _check_crew(self, s: Session, actor: Actor, visit: m.Visit, relayed: bool) -> None:
        if relayed:
            require(actor, Permission.RELAY_CHECK_IN)
            return
        require(actor, Permission.RECORD_VISIT)
        if actor.user_id not in {member.user_id for member in visit.members}:
            raise PermissionDeniedError("safety.error.not_crew")

    def _open(
        self, s: Session, actor: Actor, visit: m.Visit, request: CheckIn, relayed: bool
    ) -> m.SafetySession:
        at = request.at or self._deps.clock()
        flag = check_in_flag(stop, at) if (stop := _stop_time(s, visit)) else None
        visit.check_in_flag, visit.check_in_reason = judge_check_in(
            flag, request.reason, queued=request.queued
        )
        tier = assess(s, visit.address_id).tier
        crew = frozenset(member.user_id for member in visit.members)
        planned = stop.service if stop is not None else None
        state = open_session(
            self._deps.policy, tier, crew, at,
            minutes=request.minutes, until=request.until, planned=planned,
        )  # fmt: skip
        where = request.position
        row = m.SafetySession(
            visit_id=visit.id,
            crew_id=visit.crew_id,
            opened_by=actor.user_id,
            opened_at=at,
            expected_end=state.expected_end,
            grace_minutes=int(state.grace.total_seconds() // 60),
            risk_tier=tier.value,
            state=SafetySessionState.ACTIVE.value,
            last_lat=where.lat if where else None,
            last_lon=where.lon if where else None,
            relayed=relayed,
        )
        s.add(row)
        visit.arrived_at = at
        if where is not None:
            visit.arrive_lat, visit.arrive_lon = where.lat, where.lon
            visit.arrive_accuracy_m = where.accuracy_m
        s.flush()
        add_event(s, row.id, "check_in", at, actor, where, relayed, request.client_event_id)
        self._audit_check_in(s, actor, row, visit, request.location)
        return row

    def _audit_check_in(
        self,
        s: Session,
        actor: Actor,
        row: m.SafetySession,
        visit: m.Visit,
        location: str | None,
    ) -> None:
        self._deps.audit.record(
            s,
            actor_id=actor.user_id,
            action="safety.check_in",
            entity_type="safety_session",
            entity_id=row.id,
            after={
                "visit_id": row.visit_id,
                "expected_end": row.expected_end.isoformat(),
                "risk_tier": row.risk_tier,
                "relayed": row.relayed,
                "location": location or ("ok" if row.last_lat is not None else "none"),
                "flag": visit.check_in_flag,
                "reason": visit.check_in_reason,
            },
        )

    def extend(
        self, actor: Actor, session_id: int, *, client_event_id: str | None = None
    ) -> SessionInfo:
        """+15 minutes; also a sign of life that stands an overdue alarm down."""
        return self._act(actor, session_id, "extend", None, client_event_id)

    def sos(
        self,
        actor: Actor,
        session_id: int,
        position: Position | None = None,
        *,
        client_event_id: str | None = None,
    ) -> SessionInfo:
        """Raise the alarm at once (the screen asked to hold or let a 5 s countdown run)."""
        return self._act(actor, session_id, "sos", position, client_event_id)

    def _act(
        self,
        actor: Actor,
        session_id: int,
        kind: str,
        position: Position | None,
        client_event_id: str | None,
    ) -> SessionInfo:
        policy, now = self._deps.policy, self._deps.clock()
        with self._deps.session_factory() as s:
            if already_applied(s, client_event_id) is not None:
                return _info(s.get_one(m.SafetySession, session_id))
            row = s.get(m.SafetySession, session_id)
            if row is None:
                raise NotFoundError("safety.error.no_session", session_id=session_id)
            check_member(s, actor, row, relayed=False)

        def then(s: Session, row: m.SafetySession, _state: SafetyState) -> None:
            add_event(s, row.id, kind, now, actor, position, False, client_event_id)
            if position is not None:
                row.last_lat, row.last_lon = position.lat, position.lon

        def step(state: SafetyState) -> Transition:
            if kind == "sos":
                return sos(state, policy, now)
            return extend(state, policy, now, actor.user_id)

        transact(self._deps, session_id, actor.user_id, step, then)
        with self._deps.session_factory() as s:
            return _info(s.get_one(m.SafetySession, session_id))


def _stop_time(s: Session, visit: m.Visit) -> StopTime | None:
    """The planned stop's day and approved windows (None for a visit off any round)."""
    if visit.round_stop_id is None:
        return None
    stop = s.get_one(m.RoundStop, visit.round_stop_id)
    saved = s.get_one(m.Round, stop.round_id)
    zone = ZoneInfo(s.get_one(m.Crew, saved.crew_id).team.timezone)
    windows = [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in stop.windows or ()
    ]
    return StopTime(saved.plan_date, zone, windows, timedelta(minutes=stop.service_minutes))


def open_session_of(s: Session, visit_id: int) -> m.SafetySession | None:
    return s.scalars(
        select(m.SafetySession)
        .where(
            m.SafetySession.visit_id == visit_id,
            m.SafetySession.state != SafetySessionState.CLOSED.value,
        )
        .order_by(m.SafetySession.id.desc())
        .limit(1)
    ).one_or_none()


def add_event(
    s: Session,
    session_id: int,
    kind: str,
    at: datetime,
    actor: Actor,
    where: Position | None,
    relayed: bool,
    client_event_id: str | None,
) -> None:
    s.add(
        m.SafetyEvent(
            session_id=session_id,
            kind=kind,
            at=at,
            actor_id=actor.user_id,
            lat=where.lat if where else None,
            lon=where.lon if where else None,
            accuracy_m=where.accuracy_m if where else None,
            relayed=relayed,
            client_event_id=client_event_id,
            detail={},
        )
    )
