"""What an outcome changes besides the record: payment, promise, case state, blackout, contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.domain.enums import AvailabilityKind, Channel
from fieldvisit.domain.outcomes import (
    BLACKOUT_OUTCOMES,
    CASE_STATE_AFTER,
    PAYING,
    OutcomeCode,
    PersonMet,
    VisitOutcome,
)
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class Blackout:
    """The times the debtor declared inconvenient; every day when ``weekday`` is None."""

    start: time
    end: time
    weekday: int | None


def apply_consequences(
    deps: SafetyDeps,
    s: Session,
    actor: Actor,
    visit: m.Visit,
    outcome: VisitOutcome,
    blackout: Blackout | None,
    at: datetime,
    *,
    declared: DoorstepDeclaration | None = None,
) -> None:
    """``declared``: what the debtor stated at the door. Their own times replace the blackout a
    "not at this time" outcome would guess; "not here" keeps its all-day block of the address
    unless the declaration is that very refusal."""
    now = deps.clock()
    case = s.get_one(m.Case, visit.case_id)
    changes = _money(s, visit, case, outcome, at, now)
    new_state = CASE_STATE_AFTER.get(outcome.outcome) if outcome.outcome else None
    if new_state is not None and case.state != new_state.value:
        # No further visit is planned until the dispute or complaint is dealt with.
        changes["case_state"] = {"before": case.state, "after": new_state.value}
        case.state, case.state_changed_at, case.updated_at = new_state.value, now, now
    if outcome.outcome in BLACKOUT_OUTCOMES and not _replaced_by(declared, outcome):
        changes["blackout"] = _declare(s, actor, visit, case, outcome, blackout, at, now)
    _contact(s, visit, case, outcome, at, now)
    if changes:
        deps.audit.record(
            s,
            actor_id=actor.user_id,
            action="visit.outcome_applied",
            entity_type="case",
            entity_id=case.id,
            after=changes,
        )


def _replaced_by(declared: DoorstepDeclaration | None, outcome: VisitOutcome) -> bool:
    if declared is None:
        return False
    return outcome.outcome != OutcomeCode.NOT_HERE or declared.kind is DoorstepKind.NO_VISITS_HERE


def _money(
    s: Session, visit: m.Visit, case: m.Case, outcome: VisitOutcome, at: datetime, now: datetime
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if outcome.outcome in PAYING and outcome.payment_amount is not None:
        s.add(
            m.Payment(
                case_id=case.id,
                amount=outcome.payment_amount,
                currency=case.currency,
                paid_on=at.date(),
                method=outcome.payment_method.value if outcome.payment_method else None,
                receipt_no=outcome.receipt_no,
                visit_id=visit.id,
                created_at=now,
            )
        )
        changes["payment"] = str(outcome.payment_amount)
    if outcome.outcome == OutcomeCode.PROMISE_TO_PAY and outcome.ptp_amount and outcome.ptp_date:
        s.add(
            m.Promise(
                case_id=case.id,
                amount=outcome.ptp_amount,
                currency=case.currency,
                due_on=outcome.ptp_date,
                promised_at=at,
                visit_id=visit.id,
                status="open",
                created_at=now,
            )
        )
        changes["promise"] = {"amount": str(outcome.ptp_amount), "due_on": str(outcome.ptp_date)}
    return changes


def _declare(
    s: Session,
    actor: Actor,
    visit: m.Visit,
    case: m.Case,
    outcome: VisitOutcome,
    blackout: Blackout | None,
    at: datetime,
    now: datetime,
) -> dict[str, Any]:
    address = s.get_one(m.Address, visit.address_id)
    local = at.astimezone(ZoneInfo(address.timezone))
    if blackout is None and outcome.outcome == OutcomeCode.NOT_HERE:
        blackout = Blackout(time(0, 0), time(23, 59), None)
    if blackout is None:
        # "Not at this time": the two hours around this visit, on this weekday.
        start = local.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        end = min(start + timedelta(hours=2, minutes=59), start.replace(hour=23, minute=59))
        blackout = Blackout(start.time(), end.time(), local.weekday())
    row = m.Availability(
        debtor_id=case.debtor_id,
        kind=AvailabilityKind.BLACKOUT.value,
        weekday=blackout.weekday,
        start_time=blackout.start,
        end_time=blackout.end,
        address_id=visit.address_id if outcome.outcome == OutcomeCode.NOT_HERE else None,
        source="visit",
        note=f"visit {visit.id}: {outcome.outcome}",
        created_by=actor.user_id,
        created_at=now,
    )
    s.add(row)
    return {"weekday": blackout.weekday, "start": str(blackout.start), "end": str(blackout.end)}


def _contact(
    s: Session,
    visit: m.Visit,
    case: m.Case,
    outcome: VisitOutcome,
    at: datetime,
    now: datetime,
) -> None:
    # Frequency rules count every visit, whether or not anybody opened the door.
    s.add(
        m.Contact(
            debtor_id=case.debtor_id,
            case_id=case.id,
            channel=Channel.VISIT.value,
            occurred_at=visit.arrived_at or at,
            contacted=outcome.person_met in (PersonMet.DEBTOR, PersonMet.GUARANTOR),
            place=visit.place,
            outcome=outcome.outcome.value if outcome.outcome else None,
            visit_id=visit.id,
            source="app",
            created_at=now,
        )
    )
