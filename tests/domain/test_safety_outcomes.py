"""Outcome validation: every problem names the field to fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fieldvisit.domain.outcomes import (
    NextAction,
    OutcomeCode,
    PaymentMethod,
    PersonMet,
    VisitOutcome,
    follow_up_day,
    problems,
)

TODAY = date(2026, 12, 1)
GOOD = VisitOutcome(PersonMet.DEBTOR, OutcomeCode.REFUSED, NextAction.PHONE_CALL, date(2026, 12, 3))


def _fields(outcome: VisitOutcome) -> list[tuple[str, str]]:
    return [(p.id.rsplit(".", 1)[1], p.params["field"]) for p in problems(outcome, TODAY)]


def test_a_complete_outcome_has_no_problem() -> None:
    assert problems(GOOD, TODAY) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"outcome": None}, [("required", "outcome")]),
        ({"person_met": None}, [("required", "person_met")]),
        ({"next_action": None}, [("required", "next_action")]),
        ({"next_action_date": None}, [("required", "next_action_date")]),
        ({"next_action_date": date(2026, 11, 30)}, [("in_past", "next_action_date")]),
        ({"person_met": PersonMet.NOBODY}, [("nobody_met", "outcome")]),
        (
            {"person_met": PersonMet.OTHER, "outcome": OutcomeCode.PROMISE_TO_PAY},
            [("third_party", "outcome"), ("positive", "ptp_amount"), ("future", "ptp_date")],
        ),
        (
            {"outcome": OutcomeCode.PAYMENT_COLLECTED},
            [
                ("positive", "payment_amount"),
                ("required", "payment_method"),
                ("required", "receipt_no"),
            ],
        ),
        (
            {
                "outcome": OutcomeCode.PROMISE_TO_PAY,
                "ptp_amount": Decimal(5),
                "ptp_date": date(2026, 11, 1),
            },
            [("future", "ptp_date")],
        ),
    ],
)
def test_each_problem_names_its_field(
    changes: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert _fields(replace(GOOD, **changes)) == expected  # type: ignore[arg-type]


def test_a_paid_outcome_is_complete_with_method_and_receipt() -> None:
    paid = replace(
        GOOD,
        outcome=OutcomeCode.PARTIAL_PAYMENT,
        payment_amount=Decimal("100"),
        payment_method=PaymentMethod.CARD,
        receipt_no="R1",
    )
    assert problems(paid, TODAY) == []


def test_promises_are_followed_up_the_day_after() -> None:
    assert follow_up_day(date(2026, 12, 31)) == date(2027, 1, 1)
