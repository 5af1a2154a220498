"""Importing case files: every format, all-or-nothing, keep-valid, and audited re-imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.importing.context import ImportCancelledError
from fieldvisit.services.importing.files import read_table, write_error_file
from fieldvisit.services.importing.service import ImportRequest, ImportService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.helpers import table_contents
from tests.services.import_files import CASE_HEADERS, case_rows, clock, write_csv, write_xlsx

KEY = b"k" * 32


def service(database: Database) -> ImportService:
    return ImportService(database.session_factory, AuditLog(KEY, clock()), clock())


def cases_request(path: Path, **options: object) -> ImportRequest:
    return ImportRequest(ImportKind.CASES, path.name, creditor_code="BANK", **options)  # type: ignore[arg-type]


def count(database: Database, model: type[m.Base]) -> int:  # type: ignore[name-defined]
    with database.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_imports_every_row(
    database: Database, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(300), encoding)
    report, _ = service(database).run_file(path, cases_request(path))
    assert (report.committed, report.errors, report.counts.created) == (True, (), 300)
    with database.session_factory() as session:
        case = session.scalars(select(m.Case).where(m.Case.case_number == "WA000003")).one()
        assert case.debtor.name == "张六3"
        homes = [a for a in case.debtor.addresses if a.kind == "home"]
        assert homes[0].text.startswith("上海市浦东新区")
        assert (homes[0].is_primary, homes[0].geocode_quality, homes[0].timezone) == (
            True,
            "none",
            "Asia/Shanghai",
        )
        assert {a.kind for a in case.debtor.addresses} == {"home", "work"}


@pytest.fixture(scope="module")
def xlsx_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written once for both backends: openpyxl is the slow part of this test."""
    rows: list[list[object]] = [list(r) for r in case_rows(10_000)]
    for row in rows:
        row[6] = float(str(row[6]))  # Excel stores amounts and counts as numbers
        row[7] = int(str(row[7]))
    return write_xlsx(tmp_path_factory.mktemp("xlsx") / "cases.xlsx", CASE_HEADERS, rows)


def test_ten_thousand_rows_from_xlsx(database: Database, xlsx_10k: Path) -> None:
    report, _ = service(database).run_file(xlsx_10k, cases_request(xlsx_10k))
    assert report.errors == ()
    assert report.counts.created == 10_000
    assert count(database, m.Case) == 10_000


def test_ten_thousand_rows_gbk_with_one_bad_row_import_nothing(
    database: Database, tmp_path: Path
) -> None:
    rows = case_rows(10_000)
    rows[9_876][6] = "一千"
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows, "gbk")
    before = table_contents(database.engine)
    report, _ = service(database).run_file(path, cases_request(path))
    assert not report.committed
    assert [(e.row, e.column, e.value) for e in report.errors] == [(9_878, "逾期金额", "一千")]
    assert table_contents(database.engine) == before  # not even the creditor was created


def test_keep_valid_imports_the_rest_and_writes_the_error_file(
    database: Database, tmp_path: Path
) -> None:
    rows = case_rows(50)
    rows[3][2] = "110105194912310021"  # wrong check digit
    rows[10][7] = "很久"
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    report, table = service(database).run_file(path, cases_request(path, keep_valid=True))
    assert report.committed
    assert (report.counts.created, report.rejected) == (48, 2)
    errors_path = tmp_path / "rejected.csv"
    assert write_error_file(errors_path, table, report.errors, "zh") == 2
    rejected = read_table(errors_path)
    assert rejected.headers[-1] == "需更正"
    assert [r[0] for r in rejected.rows] == ["WA000004", "WA000011"]
    assert "校验位" in rejected.rows[0][-1]


def test_reimport_updates_changed_cases_and_audits_what_changed(
    database: Database, tmp_path: Path
) -> None:
    importer = service(database)
    first = write_csv(tmp_path / "v1.csv", CASE_HEADERS, case_rows(20))
    importer.run_file(first, cases_request(first))
    rows = case_rows(20)
    rows[4][6] = "99.99"
    rows[4][8] = "争议"
    rows[7][4] = "上海市徐汇区新地址8号"
    second = write_csv(tmp_path / "v2.csv", CASE_HEADERS, rows)
    report, _ = importer.run_file(second, cases_request(second))
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 2, 18)
    with database.session_factory() as session:
        case = session.scalars(select(m.Case).where(m.Case.case_number == "WA000005")).one()
        assert (str(case.amount_overdue), case.state) == ("99.99", "disputed")
        entries = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "case.import_update")
        ).all()
        changes = {e.entity_id: e.payload for e in entries}
        assert len(changes) == 2
        assert changes[str(case.id)] == {
            "before": {"amount_overdue": "1005.05", "state": "active"},
            "after": {"case_number": "WA000005", "amount_overdue": "99.99", "state": "disputed"},
        }
        moved = session.scalars(
            select(m.Address).where(m.Address.text == "上海市徐汇区新地址8号")
        ).one()
        assert moved.geocode_quality == "none"
    assert count(database, m.Case) == 20


def test_reimporting_the_same_file_changes_no_case(database: Database, tmp_path: Path) -> None:
    importer = service(database)
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(30))
    importer.run_file(path, cases_request(path))
    report, _ = importer.run_file(path, cases_request(path))
    assert (report.counts.created, report.counts.updated, report.counts.unchanged) == (0, 0, 30)
    assert count(database, m.Address) == 40  # 30 homes and 10 workplaces, not doubled


def test_one_debtor_with_two_cards_is_one_debtor(database: Database, tmp_path: Path) -> None:
    rows = case_rows(2)
    rows[1][1:6] = rows[0][1:6]
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    service(database).run_file(path, cases_request(path))
    # The frequency rules count visits per debtor, so both cases must share the debtor.
    assert (count(database, m.Case), count(database, m.Debtor)) == (2, 1)


def test_dry_run_writes_nothing(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(10))
    before = table_contents(database.engine)
    report, _ = service(database).run_file(path, cases_request(path, dry_run=True))
    assert (report.total, report.errors, report.committed) == (10, (), False)
    assert table_contents(database.engine) == before


def test_unknown_team_is_a_row_error(database: Database, tmp_path: Path) -> None:
    headers = (*CASE_HEADERS, "团队")
    rows = [[*r, "不存在的组"] for r in case_rows(2)]
    path = write_csv(tmp_path / "cases.csv", headers, rows)
    report, _ = service(database).run_file(path, cases_request(path))
    assert {(e.column, e.message.id) for e in report.errors} == {
        ("团队", "import.error.unknown_team")
    }
    assert count(database, m.Case) == 0


def test_saved_mapping_is_reused_for_the_creditor(database: Database, tmp_path: Path) -> None:
    headers = ("编号", *CASE_HEADERS[1:])
    path = write_csv(tmp_path / "cases.csv", headers, case_rows(3))
    importer = service(database)
    mapping = {
        "编号": "case_number",
        "姓名": "debtor_name",
        "逾期金额": "amount_overdue",
        "逾期天数": "days_past_due",
    }
    report, _ = importer.run_file(
        path, cases_request(path, mapping=mapping, save_mapping_as="default")
    )
    assert report.committed
    preview = importer.preview(path, ImportKind.CASES, "BANK")
    assert preview.mapping["编号"] == "case_number"
    again, _ = importer.run_file(path, cases_request(path))
    assert again.counts.unchanged == 3


def test_collectors_may_not_import(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(1))
    with pytest.raises(PermissionDeniedError):
        service(database).run_file(path, cases_request(path), Actor(1, Role.COLLECTOR))


def test_contacts_need_a_known_creditor(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", ("记录编号",), [["1"]])
    request = ImportRequest(ImportKind.CONTACTS, path.name, creditor_code="NOPE")
    with pytest.raises(ValidationError) as caught:
        service(database).run_file(path, request)
    assert caught.value.message.id == "import.error.unknown_creditor"


def test_cancel_rolls_everything_back(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(20))
    before = table_contents(database.engine)
    with pytest.raises(ImportCancelledError):
        service(database).run_file(path, cases_request(path), cancelled=lambda: True)
    assert table_contents(database.engine) == before
