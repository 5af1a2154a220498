"""Visit outcomes: the codes, what each one requires, and what it changes on the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.messages import Message


class PersonMet(StrEnum):
    DEBTOR = "debtor"
    GUARANTOR = "guarantor"
    OTHER = "other"  # a third party: never told anything about the debt
    NOBODY = "nobody"


class OutcomeCode(StrEnum):
    PAYMENT_COLLECTED = "payment_collected"
    PROMISE_TO_PAY = "promise_to_pay"
    PARTIAL_PAYMENT = "partial_payment"
    REFUSED = "refused"
    NOT_HOME = "not_home"
    WRONG_ADDRESS = "wrong_address"
    DISPUTE_RAISED = "dispute_raised"
    COMPLAINT = "complaint"
    NOT_AT_THIS_TIME = "not_at_this_time"  # the debtor declares this time inconvenient
    NOT_HERE = "not_here"  # the debtor asks not to be visited at this place
    MESSAGE_LEFT = "message_left"  # with a third party, without any debt details


class NextAction(StrEnum):
    REVISIT = "revisit"
    PHONE_CALL = "phone_call"
    LETTER = "letter"
    AWAIT_PAYMENT = "await_payment"
    VERIFY_ADDRESS = "verify_address"
    REVIEW_DISPUTE = "review_dispute"
    HANDLE_COMPLAINT = "handle_complaint"
    CLOSE_REVIEW = "close_review"


class PaymentMethod(StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    APP = "app"
    CARD = "card"


PAYING = frozenset({OutcomeCode.PAYMENT_COLLECTED, OutcomeCode.PARTIAL_PAYMENT})
# What may be recorded when only a third party (or nobody) was met: nothing that implies a debt.
THIRD_PARTY_OUTCOMES = frozenset(
    {OutcomeCode.MESSAGE_LEFT, OutcomeCode.NOT_HOME, OutcomeCode.WRONG_ADDRESS, OutcomeCode.REFUSED}
)
NOBODY_OUTCOMES = frozenset({OutcomeCode.NOT_HOME, OutcomeCode.WRONG_ADDRESS})
CASE_STATE_AFTER = {
    OutcomeCode.DISPUTE_RAISED: CaseState.DISPUTED,
    OutcomeCode.COMPLAINT: CaseState.COMPLAINT_PENDING,
}
BLACKOUT_OUTCOMES = frozenset({OutcomeCode.NOT_AT_THIS_TIME, OutcomeCode.NOT_HERE})


@dataclass(frozen=True)
class VisitOutcome:
    """What the crew records at check-out; ``problems`` says what to fix before it is accepted."""

    person_met: PersonMet | None
    outcome: OutcomeCode | None
    next_action: NextAction | None
    next_action_date: date | None
    ptp_amount: Decimal | None = None
    ptp_date: date | None = None
    payment_amount: Decimal | None = None
    payment_method: PaymentMethod | None = None
    receipt_no: str | None = None
    entry_consent: bool | None = None
    id_shown: bool | None = None
    recorded_audio: bool | None = None
    notes: str | None = None


def _problem(field: str, reason: str) -> Message:
    return Message(f"safety.outcome.error.{reason}", {"field": field})


def problems(outcome: VisitOutcome, today: date) -> list[Message]:
    """Every reason the outcome cannot close the visit, each naming the field to fix."""
    found: list[Message] = []
    if outcome.person_met is None:
        found.append(_problem("person_met", "required"))
    if outcome.outcome is None:
        found.append(_problem("outcome", "required"))
    if outcome.next_action is None:
        found.append(_problem("next_action", "required"))
    if outcome.next_action_date is None:
        found.append(_problem("next_action_date", "required"))
    elif outcome.next_action_date < today:
        found.append(_problem("next_action_date", "in_past"))
    if outcome.outcome is not None and outcome.person_met is not None:
        found.extend(_consistency(outcome, today))
    return found


def _consistency(outcome: VisitOutcome, today: date) -> list[Message]:
    found: list[Message] = []
    code, met = outcome.outcome, outcome.person_met
    if met == PersonMet.NOBODY and code not in NOBODY_OUTCOMES:
        found.append(_problem("outcome", "nobody_met"))
    if met == PersonMet.OTHER and code not in THIRD_PARTY_OUTCOMES:
        found.append(_problem("outcome", "third_party"))
    if code == OutcomeCode.PROMISE_TO_PAY:
        if not _positive(outcome.ptp_amount):
            found.append(_problem("ptp_amount", "positive"))
        if outcome.ptp_date is None or outcome.ptp_date < today:
            found.append(_problem("ptp_date", "future"))
    if code in PAYING:
        if not _positive(outcome.payment_amount):
            found.append(_problem("payment_amount", "positive"))
        if outcome.payment_method is None:
            found.append(_problem("payment_method", "required"))
        if not (outcome.receipt_no or "").strip():
            found.append(_problem("receipt_no", "required"))
    return found


def _positive(amount: Decimal | None) -> bool:
    return amount is not None and amount > 0


def follow_up_day(due_on: date) -> date:
    """A promise is followed up the day after it falls due."""
    return date.fromordinal(due_on.toordinal() + 1)


def promise_kept(amount: Decimal, paid_since_promise: Decimal) -> bool:
    return paid_since_promise >= amount
