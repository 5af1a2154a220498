"""A crew's day in the field: the stops of its approved round, and starting the visit of a stop.

Only an approved round (or one already under way) can be worked; the first visit started puts the
round in progress, so it can no longer be edited, only re-planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import RoundStatus, StopApproval, StopStatus, VisitStatus
from fieldvisit.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from fieldvisit.domain.masking import crew_sees_stop, mask_address, mask_name
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m

WORKABLE = (RoundStatus.APPROVED.value, RoundStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class TodayStop:
    stop_id: int
    seq: int
    case_id: int
    case_number: str
    address_id: int
    address: str  # in full for the crew of an approved round on its day, else masked
    planned_start: datetime | None
    planned_end: datetime | None
    visit_id: int | None
    visit_status: str | None
    stop_status: str = StopStatus.PLANNED.value
    approval: str = StopApproval.NONE.value  # "pending": a re-plan's new exception awaits a manager
    debtor: str = ""  # the debtor's name, in full for the crew of an approved round
    currency: str = ""  # the case's ISO 4217 code, for the amounts of its check-out

    @property
    def workable(self) -> bool:
        """Whether the crew may start this visit now."""
        return self.stop_status == StopStatus.PLANNED and self.approval != StopApproval.PENDING


@dataclass(frozen=True)
class TodayRound:
    round_id: int
    crew_id: int
    status: RoundStatus
    stops: tuple[TodayStop, ...]
    timezone: str  # the crew's team's: stop times show as the crew lives them


class FieldToday:
    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def round_for(self, actor: Actor, day: date | None = None) -> TodayRound | None:
        """The actor's crew's approved (or started) round for ``day``; None when there is none.

        ``day`` None: today in the crew's own time zone (not the machine's, not UTC). The crew
        sees its stops' full addresses and debtor names; each such view is access-logged.
        """
        require(actor, Permission.RECORD_VISIT)
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            if day is None:
                day = _local_today(s, actor, now)
            saved = s.scalar(
                select(m.Round)
                .where(
                    m.Round.crew_id.in_(list(actor.crew_ids)),
                    m.Round.plan_date == day,
                    m.Round.status.in_(WORKABLE),
                )
                .order_by(m.Round.id)
            )
            if saved is None:
                return None
            zone_name = s.get_one(m.Crew, saved.crew_id).team.timezone
            today = now.astimezone(ZoneInfo(zone_name)).date()
            full = crew_sees_stop(actor, saved.crew_id, saved.status, saved.plan_date, today)
            stops = _stops_of(s, saved.id)
            if full:
                for debtor_id in sorted({case.debtor_id for _, case, _, _ in stops}):
                    s.add(
                        m.AccessLog(
                            user_id=actor.user_id, debtor_id=debtor_id, at=now,
                            purpose=f"today {saved.plan_date.isoformat()}",
                        )
                    )  # fmt: skip
            return _today(s, saved, stops, full, zone_name)

    def start(self, actor: Actor, stop_id: int) -> int:
        """The visit of a stop (started once; asking again returns the same visit)."""
        require(actor, Permission.RECORD_VISIT)
        try:
            return self._start_once(actor, stop_id)
        except (StaleDataError, IntegrityError):
            # A crew partner started another stop at the same moment (both put the round in
            # progress: the round's version moved under us) or the same stop (the visit exists
            # now). Nothing of ours was kept, so once more, in a fresh transaction, sees theirs.
            pass
        try:
            return self._start_once(actor, stop_id)
        except (StaleDataError, IntegrityError) as exc:
            raise ConflictError("field.error.start_raced", stop=stop_id) from exc

    def _start_once(self, actor: Actor, stop_id: int) -> int:
        with self._deps.session_factory.begin() as s:
            stop = s.get(m.RoundStop, stop_id)
            if stop is None:
                raise NotFoundError("field.error.no_stop", stop=stop_id)
            saved = stop.round
            if saved.crew_id not in actor.crew_ids:
                raise PermissionDeniedError("safety.error.not_crew")
            if saved.status not in WORKABLE:
                raise ConflictError("field.error.round_not_approved", status=saved.status)
            existing = s.scalar(select(m.Visit.id).where(m.Visit.round_stop_id == stop.id))
            if existing is not None:
                return existing
            if stop.status != StopStatus.PLANNED:
                raise ConflictError("field.error.stop_not_planned", status=stop.status)
            if stop.approval == StopApproval.PENDING:
                raise ConflictError("field.error.stop_awaits_approval")
            return self._create(s, actor, saved, stop)

    def _create(self, s: Session, actor: Actor, saved: m.Round, stop: m.RoundStop) -> int:
        crew = s.get_one(m.Crew, saved.crew_id)
        visit = m.Visit(
            round_stop_id=stop.id,
            case_id=stop.case_id,
            address_id=stop.address_id,
            crew_id=saved.crew_id,
            place=stop.place,
            planned_start=stop.planned_start,
            planned_end=stop.planned_end,
            status=VisitStatus.OPEN.value,
            created_at=self._deps.clock(),
            members=[m.VisitMember(user_id=member.user_id) for member in crew.members],
        )
        s.add(visit)
        s.flush()
        audit = self._deps.audit
        if saved.status != RoundStatus.IN_PROGRESS.value:
            saved.status = RoundStatus.IN_PROGRESS.value
            audit.record(
                s,
                actor_id=actor.user_id,
                action="round.started",
                entity_type="round",
                entity_id=saved.id,
                after={"first_stop": stop.id},
            )
        audit.record(
            s,
            actor_id=actor.user_id,
            action="visit.started",
            entity_type="visit",
            entity_id=visit.id,
            after={"case_id": stop.case_id, "stop_id": stop.id},
        )
        return visit.id


def _local_today(s: Session, actor: Actor, now: datetime) -> date:
    """Today where the actor's crew works (the first crew's team zone; UTC without a crew)."""
    crew = s.get(m.Crew, min(actor.crew_ids)) if actor.crew_ids else None
    return now.astimezone(ZoneInfo(crew.team.timezone)).date() if crew else now.date()


_StopRow = tuple[m.RoundStop, m.Case, m.Address, str]


def _stops_of(s: Session, round_id: int) -> list[_StopRow]:
    """Each stop in order with its case, address and debtor's name: one query, not three a stop
    (the phone and the desktop read Today often; under load each query waits for the server)."""
    rows = s.execute(
        select(m.RoundStop, m.Case, m.Address, m.Debtor.name)
        .join(m.Case, m.Case.id == m.RoundStop.case_id)
        .join(m.Address, m.Address.id == m.RoundStop.address_id)
        .join(m.Debtor, m.Debtor.id == m.Case.debtor_id)
        .where(m.RoundStop.round_id == round_id)
        .order_by(m.RoundStop.seq)
    )
    return [(stop, case, address, name) for stop, case, address, name in rows]


def _today(s: Session, saved: m.Round, rows: list[_StopRow], full: bool, zone: str) -> TodayRound:
    visits = {
        stop_id: (visit_id, status)
        for visit_id, stop_id, status in s.execute(
            select(m.Visit.id, m.Visit.round_stop_id, m.Visit.status).where(
                m.Visit.round_stop_id.in_([stop.id for stop, _, _, _ in rows])
            )
        )
    }
    stops = []
    for stop, case, address, debtor_name in rows:
        visit_id, status = visits.get(stop.id, (None, None))
        stops.append(
            TodayStop(
                stop.id,
                stop.seq,
                case.id,
                case.case_number,
                address.id,
                (address.text if full else mask_address(address.text, address.district)) or "",
                stop.planned_start,
                stop.planned_end,
                visit_id,
                status,
                stop.status,
                stop.approval,
                debtor_name if full else mask_name(debtor_name),
                case.currency,
            )
        )
    return TodayRound(saved.id, saved.crew_id, RoundStatus(saved.status), tuple(stops), zone)
