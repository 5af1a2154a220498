"""The outcomes of the demo's past visits and what they leave in the ledger."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet
from fieldvisit.storage import models as m

SHANGHAI = ZoneInfo("Asia/Shanghai")

OUTCOMES = (  # (outcome, person met, weight)
    (OutcomeCode.PROMISE_TO_PAY, PersonMet.DEBTOR, 24),
    (OutcomeCode.PAYMENT_COLLECTED, PersonMet.DEBTOR, 6),
    (OutcomeCode.PARTIAL_PAYMENT, PersonMet.DEBTOR, 5),
    (OutcomeCode.REFUSED, PersonMet.DEBTOR, 12),
    (OutcomeCode.NOT_HOME, PersonMet.NOBODY, 28),
    (OutcomeCode.MESSAGE_LEFT, PersonMet.OTHER, 14),
    (OutcomeCode.WRONG_ADDRESS, PersonMet.OTHER, 4),
    (OutcomeCode.DISPUTE_RAISED, PersonMet.DEBTOR, 3),
)
NOTES = {
    OutcomeCode.PROMISE_TO_PAY: "债务人本人在家，同意按约定日期还款。",
    OutcomeCode.PAYMENT_COLLECTED: "债务人现场还款，已开具收据。",
    OutcomeCode.PARTIAL_PAYMENT: "债务人现场部分还款，余款另行协商。",
    OutcomeCode.REFUSED: "债务人表示目前无力还款，拒绝承诺。",
    OutcomeCode.NOT_HOME: "多次敲门无人应答，已离开。",
    OutcomeCode.MESSAGE_LEFT: "家属在家，已留言请债务人回电，未透露欠款信息。",
    OutcomeCode.WRONG_ADDRESS: "现住户表示不认识债务人。",
    OutcomeCode.DISPUTE_RAISED: "债务人对欠款金额提出异议，已记录。",
}


def record_values(
    rng: random.Random,
    visit: m.Visit,
    case: m.Case,
    outcome: OutcomeCode,
    met: PersonMet,
    day: date,
) -> dict[str, Any]:
    share = Decimal(rng.choice(("0.1", "0.2", "0.3")))
    amount = (case.amount_overdue * share).quantize(Decimal("0.01"))
    promise = outcome == OutcomeCode.PROMISE_TO_PAY
    paying = outcome in (OutcomeCode.PAYMENT_COLLECTED, OutcomeCode.PARTIAL_PAYMENT)
    next_action = (
        NextAction.AWAIT_PAYMENT
        if promise
        else NextAction.REVIEW_DISPUTE
        if outcome == OutcomeCode.DISPUTE_RAISED
        else NextAction.REVISIT
    )
    return {
        "visit_id": visit.id,
        "version": 1,
        "supersedes_id": None,
        "correction_reason": None,
        "person_met": met.value,
        "outcome_code": outcome.value,
        "ptp_amount": amount if promise else None,
        "ptp_date": day + timedelta(days=rng.randrange(3, 15)) if promise else None,
        "payment_amount": amount if paying else None,
        "payment_method": "bank_transfer" if paying else None,
        "receipt_no": f"R{visit.id:06d}" if paying else None,
        "entry_consent": met != PersonMet.NOBODY,
        "id_shown": True,
        "recorded_audio": True,
        "notes": NOTES[outcome],
        "next_action": next_action.value,
        "next_action_date": day + timedelta(days=rng.randrange(3, 10)),
        "evidence": [f"audio/{day:%Y%m%d}-{visit.id:06d}.m4a"],
    }


def add_ledger(
    session: Session,
    rng: random.Random,
    visit: m.Visit,
    values: dict[str, Any],
    at: datetime,
    today: date,
) -> None:
    case = session.get_one(m.Case, visit.case_id)
    session.add(
        m.Contact(
            debtor_id=case.debtor_id,
            case_id=case.id,
            channel="visit",
            occurred_at=at,
            contacted=values["person_met"] in ("debtor", "guarantor"),
            place=visit.place,
            outcome=values["outcome_code"],
            visit_id=visit.id,
            source="demo",
            created_at=at,
        )
    )
    if values["ptp_amount"] is not None:
        _promise(session, rng, case, visit, values, at, today)
    if values["payment_amount"] is not None:
        _payment(session, case, visit, values, at)


def _promise(
    session: Session,
    rng: random.Random,
    case: m.Case,
    visit: m.Visit,
    values: dict[str, Any],
    at: datetime,
    today: date,
) -> None:
    due: date = values["ptp_date"]
    status = "open" if due >= today else rng.choice(("kept", "kept", "broken"))
    session.add(
        m.Promise(
            case_id=case.id,
            amount=values["ptp_amount"],
            due_on=due,
            promised_at=at,
            visit_id=visit.id,
            status=status,
            created_at=at,
            resolved_at=None if status == "open" else _morning_after(due),
        )
    )


def _payment(
    session: Session, case: m.Case, visit: m.Visit, values: dict[str, Any], at: datetime
) -> None:
    session.add(
        m.Payment(
            case_id=case.id,
            amount=values["payment_amount"],
            paid_on=at.date(),
            method="bank_transfer",
            receipt_no=values["receipt_no"],
            visit_id=visit.id,
            source="demo",
            created_at=at,
        )
    )


def _morning_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(9), SHANGHAI).astimezone(UTC)
