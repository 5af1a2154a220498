"""A USD creditor's amounts print as USD everywhere they are shown: the visit record PDF and the
visits CSV (the check-out dialog: tests/ui/test_checkout_currency.py). Issue #19, money."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.records.statistics import ReportsService
from fieldvisit.services.records.visit_records import RecordsService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_records_print import NOW, _text, actor

SYMBOL = {"USD": "$", "GBP": "£", "EUR": "€", "CNY": "¥"}


def _record_with_amount(db: Database, currency: str) -> tuple[int, str, Decimal]:
    """A November record with a promised or paid amount, its case moved to ``currency`` (as a
    case of a creditor keeping its accounts in that currency)."""
    with db.session_factory.begin() as s:
        record, case = s.execute(
            select(m.VisitRecord, m.Case)
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .join(m.Case, m.Case.id == m.Visit.case_id)
            .where(m.VisitRecord.ptp_amount.is_not(None), m.VisitRecord.payment_amount.is_(None))
            .order_by(m.VisitRecord.id)
            .limit(1)
        ).one()
        case.currency = currency
        assert record.ptp_amount is not None
        return record.id, case.case_number, record.ptp_amount


@pytest.mark.parametrize("currency", ["USD", "GBP", "EUR"])
def test_the_visit_record_pdf_prints_the_cases_currency(demo_db: Database, currency: str) -> None:
    record_id, _, amount = _record_with_amount(demo_db, currency)
    officer = actor(demo_db, "compliance")
    pdf = RecordsService(demo_db.session_factory, FixedClock(NOW)).print_visit(
        officer, record_id, "en"
    )
    text = _text(pdf)
    assert f"{SYMBOL[currency]}{amount:,.2f}" in text
    assert "¥" not in text


def test_the_visits_csv_names_each_amounts_currency(demo_db: Database) -> None:
    _, number, amount = _record_with_amount(demo_db, "USD")
    officer = actor(demo_db, "compliance")
    text = ReportsService(demo_db.session_factory, FixedClock(NOW)).visits_csv(
        officer, date(2026, 1, 1), date(2026, 11, 30), "en"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = [row for row in rows if row["case"] == number]
    assert mine
    assert {(row["amount"], row["currency"]) for row in mine} >= {(format(amount, "f"), "USD")}
    others = [row for row in rows if row["case"] != number and row["amount"]]
    assert others  # positive control: the demo's own amounts are in yuan
    assert {row["currency"] for row in others} == {"CNY"}
