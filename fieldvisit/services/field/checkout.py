"""Check-out: close the safety session and the visit with its outcome, in one transaction.

A check-out with the duress PIN returns exactly what a normal one returns; only a silent
alarm on the safety board tells the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import DoorstepDeclaration
from fieldvisit.domain.enums import Place
from fieldvisit.domain.errors import ConflictError, NotFoundError, ValidationError
from fieldvisit.domain.organisation import FieldError
from fieldvisit.domain.outcomes import VisitOutcome, problems
from fieldvisit.domain.safety_machine import check_out
from fieldvisit.domain.safety_state import SafetyState, Transition
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.cases.declaration_store import DeclarationWriter
from fieldvisit.services.field.consequences import Blackout, apply_consequences
from fieldvisit.services.field.effects import transact
from fieldvisit.services.field.pins import duress_hash_of, is_duress
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.visits import Position, add_event, already_applied, check_member
from fieldvisit.services.records.writing import append_visit_record
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class CheckOut:
    visit_id: int
    outcome: VisitOutcome
    position: Position | None = None
    at: datetime | None = None  # when it happened, for an event queued while offline
    client_event_id: str | None = None
    pin: str | None = None
    blackout: Blackout | None = None  # the debtor's own times for "not at this time"
    declaration: DoorstepDeclaration | None = None  # what the debtor declared at the door


@dataclass(frozen=True)
class CheckOutResult:
    """The same for a normal and a duress check-out."""

    visit_id: int
    record_id: int
    checked_out_at: datetime


def local_today(s: Session, visit: m.Visit, at: datetime) -> datetime:
    address = s.get_one(m.Address, visit.address_id)
    return at.astimezone(ZoneInfo(address.timezone))


class FieldCheckout:
    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def check_out(
        self, actor: Actor, request: CheckOut, *, duress: bool | None = None
    ) -> CheckOutResult:
        """``duress`` is given only when the PIN was checked on the crew's machine while offline."""
        at = request.at or self._deps.clock()
        with self._deps.session_factory() as s:
            done = already_applied(s, request.client_event_id)
            if done is not None:
                return self._result(s, request.visit_id)
            visit = s.get(m.Visit, request.visit_id)
            if visit is None:
                raise NotFoundError("safety.error.no_visit", visit_id=request.visit_id)
            found = problems(request.outcome, local_today(s, visit, at).date())
            if found:
                raise ValidationError(found[0].id, **dict(found[0].params))
            session_id = _latest_session(s, visit.id)
            if duress is None:
                duress = is_duress(request.pin, duress_hash_of(s, actor.user_id))
        policy, alarm = self._deps.policy, bool(duress)

        def step(state: SafetyState) -> Transition:
            return check_out(state, policy, at, actor.user_id, duress=alarm)

        def then(s: Session, row: m.SafetySession, _state: SafetyState) -> None:
            check_member(s, actor, row, relayed=False)
            self._close_visit(s, actor, request, at)
            add_event(s, row.id, "check_out", at, actor, request.position, False, None)
            if request.client_event_id is not None:
                # The event keyed by the client id is written last: its presence means "done".
                add_event(s, row.id, "delivered", at, actor, None, False, request.client_event_id)
            if request.position is not None:
                row.last_lat, row.last_lon = request.position.lat, request.position.lon

        transact(self._deps, session_id, actor.user_id, step, then)
        with self._deps.session_factory() as s:
            return self._result(s, request.visit_id)

    def _result(self, s: Session, visit_id: int) -> CheckOutResult:
        visit = s.get_one(m.Visit, visit_id)
        record = visit.records[-1]
        return CheckOutResult(visit.id, record.id, visit.departed_at or record.recorded_at)

    def _close_visit(self, s: Session, actor: Actor, request: CheckOut, at: datetime) -> None:
        visit = s.get_one(m.Visit, request.visit_id)
        if visit.status == "closed":
            raise ConflictError("safety.error.visit_closed", visit_id=visit.id)
        values = _record_values(actor, visit.id, request.outcome, self._deps.clock())
        # The one writer of visit records, so ``audit verify`` finds every record's digest.
        append_visit_record(s, self._deps.audit, actor.user_id, values)
        visit.status, visit.departed_at = "closed", at
        s.flush()
        declared = request.declaration
        apply_consequences(
            self._deps, s, actor, visit, request.outcome, request.blackout, at, declared=declared
        )
        if declared is not None:
            now = self._deps.clock()
            record_declaration(s, self._deps.audit, actor, visit, declared, at, now)


def record_declaration(
    s: Session,
    audit: AuditLog,
    actor: Actor,
    visit: m.Visit,
    declared: DoorstepDeclaration,
    at: datetime,
    now: datetime,
) -> int:
    """The debtor's doorstep declaration as a blackout of the visit's case, in the check-out's
    transaction, through the writer every declaration goes through (so it is audited alike)."""
    case = s.get_one(m.Case, visit.case_id)
    address = s.get_one(m.Address, visit.address_id)
    creditor = s.get_one(m.Creditor, case.creditor_id).code
    places = {p.value: p for p in Place}
    place = places.get(address.kind, Place.OTHER)
    item = declared.availability(
        case.case_number, creditor, place, local_today(s, visit, at).date()
    )
    writer = DeclarationWriter(s, audit, actor, now)
    try:
        return writer.window(case, item, address.id if item.place is not None else None)
    except FieldError as error:  # raised before anything is kept: the check-out rolls back
        raise ValidationError("safety.declare.refused", field=error.field) from None


def _latest_session(s: Session, visit_id: int) -> int:
    session_id = s.scalar(
        select(m.SafetySession.id)
        .where(m.SafetySession.visit_id == visit_id)
        .order_by(m.SafetySession.id.desc())
        .limit(1)
    )
    if session_id is None:
        raise ConflictError("safety.error.check_in_first", visit_id=visit_id)
    return session_id


def _record_values(actor: Actor, visit_id: int, o: VisitOutcome, now: datetime) -> dict[str, Any]:
    if not (o.person_met and o.outcome and o.next_action and o.next_action_date):
        raise ValidationError("safety.outcome.error.required", field="outcome")
    values: dict[str, Any] = {
        "visit_id": visit_id,
        "version": 1,
        "supersedes_id": None,
        "correction_reason": None,
        "person_met": o.person_met.value,
        "outcome_code": o.outcome.value,
        "ptp_amount": o.ptp_amount,
        "ptp_date": o.ptp_date,
        "payment_amount": o.payment_amount,
        "payment_method": o.payment_method.value if o.payment_method else None,
        "receipt_no": (o.receipt_no or "").strip() or None,
        "entry_consent": o.entry_consent,
        "id_shown": o.id_shown,
        "recorded_audio": o.recorded_audio,
        "notes": (o.notes or "").strip() or None,
        "next_action": o.next_action.value,
        "next_action_date": o.next_action_date,
        "evidence": [],
        "recorded_by": actor.user_id,
        "recorded_at": now,
    }
    return values
