"""Contact logs and payments import idempotently by external id; the last import time is known."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.services.importing.service import ImportRequest, last_import_time
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.helpers import table_contents
from tests.services.import_files import (
    CASE_HEADERS,
    CONTACT_HEADERS,
    NOW,
    PAYMENT_HEADERS,
    case_rows,
    contact_rows,
    payment_rows,
    write_csv,
    write_xlsx,
)
from tests.services.test_importing_cases import cases_request, service


def with_cases(database: Database, tmp_path: Path, count: int = 100) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(count))
    report, _ = service(database).run_file(path, cases_request(path))
    assert report.committed


def test_reimporting_contacts_and_payments_changes_nothing(
    database: Database, tmp_path: Path
) -> None:
    with_cases(database, tmp_path)
    importer = service(database)
    contacts = write_csv(tmp_path / "contacts.csv", CONTACT_HEADERS, contact_rows(400, 100), "gbk")
    payments = write_xlsx(tmp_path / "payments.xlsx", PAYMENT_HEADERS, payment_rows(150, 100))
    first_c, _ = importer.run_file(contacts, ImportRequest(ImportKind.CONTACTS, "contacts.csv"))
    first_p, _ = importer.run_file(payments, ImportRequest(ImportKind.PAYMENTS, "payments.xlsx"))
    assert (first_c.counts.created, first_p.counts.created) == (400, 150)
    ledger = {
        name: rows
        for name, rows in table_contents(database.engine).items()
        if name in ("contacts", "payments", "cases", "debtors", "promises")
    }
    again_c, _ = importer.run_file(contacts, ImportRequest(ImportKind.CONTACTS, "contacts.csv"))
    again_p, _ = importer.run_file(payments, ImportRequest(ImportKind.PAYMENTS, "payments.xlsx"))
    assert (again_c.counts.created, again_c.counts.unchanged) == (0, 400)
    assert (again_p.counts.created, again_p.counts.unchanged) == (0, 150)
    after = table_contents(database.engine)
    assert {name: after[name] for name in ledger} == ledger


def test_contact_times_are_local_and_stored_in_utc(database: Database, tmp_path: Path) -> None:
    with_cases(database, tmp_path, 1)
    rows = [["C1", "WA000001", "电话", "2026-11-02 09:30", "是", "承诺还款"]]
    path = write_csv(tmp_path / "contacts.csv", CONTACT_HEADERS, rows)
    service(database).run_file(path, ImportRequest(ImportKind.CONTACTS, path.name))
    with database.session_factory() as session:
        contact = session.scalars(select(m.Contact)).one()
        assert contact.occurred_at == datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
        assert (contact.channel, contact.contacted, contact.source) == ("call", True, "import")
        assert contact.debtor_id == session.scalars(select(m.Case.debtor_id)).one()


def test_contacts_for_unknown_cases_are_rejected(database: Database, tmp_path: Path) -> None:
    with_cases(database, tmp_path, 2)
    rows = contact_rows(3, 2)
    rows[1][1] = "WA999999"
    path = write_csv(tmp_path / "contacts.csv", CONTACT_HEADERS, rows)
    report, _ = service(database).run_file(path, ImportRequest(ImportKind.CONTACTS, path.name))
    assert [(e.row, e.column, e.message.id) for e in report.errors] == [
        (3, "案件编号", "import.error.case_not_found")
    ]
    with database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(m.Contact)) == 0


def test_duplicate_external_ids_in_one_file_are_reported(
    database: Database, tmp_path: Path
) -> None:
    with_cases(database, tmp_path, 2)
    rows = payment_rows(3, 2)
    rows[2][0] = rows[0][0]
    path = write_csv(tmp_path / "payments.csv", PAYMENT_HEADERS, rows)
    report, _ = service(database).run_file(path, ImportRequest(ImportKind.PAYMENTS, path.name))
    assert [(e.row, e.message.id) for e in report.errors] == [(4, "import.error.duplicate")]


def test_last_contacts_import_time(database: Database, tmp_path: Path) -> None:
    assert last_import_time(database.session_factory) is None
    with_cases(database, tmp_path, 2)
    assert last_import_time(database.session_factory) is None  # cases are not contacts
    path = write_csv(tmp_path / "contacts.csv", CONTACT_HEADERS, contact_rows(2, 2))
    service(database).run_file(path, ImportRequest(ImportKind.CONTACTS, path.name))
    assert last_import_time(database.session_factory) == NOW
    assert last_import_time(database.session_factory, creditor_code="BANK") == NOW
    assert last_import_time(database.session_factory, creditor_code="OTHER") is None


def test_two_creditors_may_use_the_same_external_ids(database: Database, tmp_path: Path) -> None:
    importer = service(database)
    for creditor in ("BANK", "CARD"):
        cases = write_csv(tmp_path / f"{creditor}.csv", CASE_HEADERS, case_rows(2))
        importer.run_file(cases, ImportRequest(ImportKind.CASES, "c", creditor_code=creditor))
        payments = write_csv(tmp_path / f"{creditor}-p.csv", PAYMENT_HEADERS, payment_rows(2, 2))
        request = ImportRequest(ImportKind.PAYMENTS, "p", creditor_code=creditor)
        report, _ = importer.run_file(payments, request)
        assert report.counts.created == 2, creditor
