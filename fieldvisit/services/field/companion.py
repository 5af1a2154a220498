"""The phone companion's view of a crew member's day: what they need at the door, and nothing more.

Built on ``FieldToday``: the crew sees names and addresses in full only as Today shows them (their
own approved round, access-logged there); the phone adds navigation links, windows and sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import SafetySessionState, StopApproval, StopStatus
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.domain.navigation import NavigationLink, navigation_links
from fieldvisit.services.field.status import CrewSession, SafetyStatus
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday, TodayStop
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class DoorStop:
    """One stop as the crew sees it on the phone."""

    stop_id: int
    seq: int
    case_number: str
    debtor_name: str
    address: str
    eta: str  # local HH:MM
    planned_minutes: int
    window: str  # the allowed hours the round was checked against, local, or "" if unknown
    status: str  # planned, in_visit, done, skipped, cancelled or awaiting_approval
    workable: bool  # the crew may check in here now
    visit_id: int | None
    links: tuple[NavigationLink, ...]
    session_id: int | None = None  # a visit under way: the phone resumes it (or a new phone)
    expected_end: datetime | None = None


@dataclass(frozen=True)
class DoorDay:
    round_id: int
    day: date
    timezone: str
    stops: tuple[DoorStop, ...]
    now: datetime  # the server's time: the phone counts its timers against it


class FieldCompanion:
    def __init__(self, deps: SafetyDeps, today: FieldToday, status: SafetyStatus) -> None:
        self._deps, self._today, self._status = deps, today, status

    def day(self, actor: Actor) -> DoorDay | None:
        """The actor's crew's approved round of today (the crew's zone), with door details."""
        found = self._today.round_for(actor)
        if found is None:
            return None
        zone = ZoneInfo(found.timezone)
        with self._deps.session_factory() as s:
            stops = tuple(self._door_stop(s, stop, zone) for stop in found.stops)
            day = s.get_one(m.Round, found.round_id).plan_date
        return DoorDay(found.round_id, day, found.timezone, stops, self._deps.clock())

    def session(self, actor: Actor, session_id: int) -> CrewSession:
        """A safety session's state and alarms, for its own crew (or whoever watches the board)."""
        with self._deps.session_factory() as s:
            row = s.get(m.SafetySession, session_id)
            if row is None:
                raise NotFoundError("safety.error.no_session", session_id=session_id)
            if row.crew_id not in actor.crew_ids and not allows(actor, Permission.WATCH_SAFETY):
                raise PermissionDeniedError("safety.error.not_crew")
        return self._status.session(actor, session_id)

    def _door_stop(self, s: Session, stop: TodayStop, zone: ZoneInfo) -> DoorStop:
        row = s.get_one(m.RoundStop, stop.stop_id)
        address = s.get_one(m.Address, stop.address_id)
        links: tuple[NavigationLink, ...] = ()
        if address.lat is not None and address.lon is not None:
            links = navigation_links(address.lat, address.lon, f"#{stop.seq}")
        running = _open_session(s, stop.visit_id)
        finished = _finished(s, stop.visit_id)
        return DoorStop(
            stop_id=stop.stop_id,
            seq=stop.seq,
            case_number=stop.case_number,
            debtor_name=stop.debtor,
            address=stop.address,
            eta=_local_time(stop.planned_start, zone),
            planned_minutes=row.service_minutes,
            window=_window(row.windows or [], zone),
            status=_status(stop, running is not None, finished),
            workable=stop.workable and running is None and not finished,
            visit_id=stop.visit_id,
            links=links,
            session_id=None if running is None else running.id,
            expected_end=None if running is None else running.expected_end,
        )


def _status(stop: TodayStop, running: bool, finished: bool) -> str:
    if running:
        return "in_visit"
    if finished:
        return StopStatus.DONE.value
    if stop.approval == StopApproval.PENDING:
        return "awaiting_approval"
    return stop.stop_status


def _open_session(s: Session, visit_id: int | None) -> m.SafetySession | None:
    if visit_id is None:
        return None
    return s.scalar(
        select(m.SafetySession).where(
            m.SafetySession.visit_id == visit_id,
            m.SafetySession.state != SafetySessionState.CLOSED.value,
        )
    )


def _finished(s: Session, visit_id: int | None) -> bool:
    """Checked out already: the visit has its record."""
    if visit_id is None:
        return False
    return s.scalar(select(m.VisitRecord.id).where(m.VisitRecord.visit_id == visit_id)) is not None


def _local_time(instant: datetime | None, zone: ZoneInfo) -> str:
    return "" if instant is None else instant.astimezone(zone).strftime("%H:%M")


def _window(spans: list[Any], zone: ZoneInfo) -> str:
    """The allowed hours stored with the stop when the round was planned and approved."""
    parts = []
    for start, end in spans:
        begin, finish = datetime.fromisoformat(str(start)), datetime.fromisoformat(str(end))
        parts.append(f"{_local_time(begin, zone)}–{_local_time(finish, zone)}")
    return ", ".join(parts)
