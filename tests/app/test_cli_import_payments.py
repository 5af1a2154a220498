"""``fieldvisit import payments`` reads amounts by the file's decimal mark and stores them in the
creditor's currency: "12,50" is 12.50 with ``--decimal-comma`` and a row error without it, never
1250 (issue #19, money)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.app.cli import main
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.import_files import (
    CASE_HEADERS,
    PAYMENT_HEADERS,
    case_rows,
    payment_rows,
    write_csv,
)


@pytest.fixture
def usd_creditor(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A database with a creditor keeping its accounts in US dollars, and 10 of its cases."""
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "admin-pass-1")
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "admin-pass-1")
    assert main(["users", "add", "admin", "--role", "admin", "--db", sqlite_url]) == 0
    monkeypatch.setenv("FIELDVISIT_USER", "admin")
    assert main(["org", "creditor", "add", "BOSBANK", "--name", "Boston Bank",
                 "--currency", "usd", "--db", sqlite_url]) == 0  # fmt: skip
    cases = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(10))
    assert main(["import", "cases", str(cases), "--creditor", "BOSBANK", "--db", sqlite_url]) == 0
    return sqlite_url


def _payments(url: str) -> list[tuple[str, Decimal, str | None]]:
    database = Database.open(url)
    with database.session_factory() as s:
        rows = s.execute(
            select(m.Payment.external_id, m.Payment.amount, m.Payment.currency).order_by(
                m.Payment.external_id
            )
        ).all()
    database.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_decimal_comma_payment_is_refused_without_the_option_and_read_with_it(
    usd_creditor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = payment_rows(3, 10)
    rows[1][2] = "12,50"
    path = write_csv(tmp_path / "zahlungen.csv", PAYMENT_HEADERS, rows)
    argv = ["import", "payments", str(path), "--creditor", "BOSBANK", "--db", usd_creditor,
            "--lang", "en"]  # fmt: skip
    capsys.readouterr()
    assert main(argv) == 2
    out = capsys.readouterr().out
    assert "row 3, column 还款金额" in out  # the header row is row 1
    assert "--decimal-comma" in out
    assert _payments(usd_creditor) == []  # nothing of the file, not the other two rows either
    for row in rows:
        row[2] = row[2].replace(".", ",")
    path = write_csv(tmp_path / "zahlungen.csv", PAYMENT_HEADERS, rows)
    assert main([*argv, "--decimal-comma"]) == 0
    stored = _payments(usd_creditor)
    assert [amount for _, amount, _ in stored] == [Decimal("100.50"), Decimal("12.50"),
                                                   Decimal("102.50")]  # fmt: skip
    assert {currency for _, _, currency in stored} == {"USD"}  # the creditor's, not ¥


def test_a_payment_import_may_name_another_currency(usd_creditor: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "payments.csv", PAYMENT_HEADERS, payment_rows(2, 10))
    assert main(["import", "payments", str(path), "--creditor", "BOSBANK", "--db", usd_creditor,
                 "--currency", "eur"]) == 0  # fmt: skip
    assert {currency for _, _, currency in _payments(usd_creditor)} == {"EUR"}
