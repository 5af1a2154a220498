"""``fieldvisit import`` and ``fieldvisit geocode`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.services.audit import create_key
from fieldvisit.services.importing.files import read_table
from tests.geocoding.nominatim_server import Behaviour, nominatim_server, place
from tests.services.import_files import (
    CASE_HEADERS,
    CONTACT_HEADERS,
    case_rows,
    contact_rows,
    write_csv,
)


@pytest.fixture(autouse=True)
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The audit key and settings go to the test's own folders, never the user's.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FIELDVISIT_SETTINGS", str(tmp_path / "settings.ini"))
    # A new database's key is made explicitly (``audit init-key``); here, once per test.
    create_key(tmp_path / "audit.key")
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))


def test_import_cases_then_contacts(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(20), "gbk")
    argv = ["import", "cases", str(cases), "--creditor", "BANK", "--db", sqlite_url, "--lang", "en"]
    assert main(argv) == 0
    assert "20 rows read, 20 created" in capsys.readouterr().out
    contacts = write_csv(tmp_path / "contacts.csv", CONTACT_HEADERS, contact_rows(30, 20))
    assert main(["import", "contacts", str(contacts), "--db", sqlite_url, "--lang", "zh"]) == 0
    assert "新建 30" in capsys.readouterr().out
    assert main(["import", "contacts", str(contacts), "--db", sqlite_url, "--lang", "en"]) == 0
    assert "0 created, 0 updated, 30 unchanged" in capsys.readouterr().out
    assert main(["import", "last", "--db", sqlite_url, "--lang", "en"]) == 0
    assert "Last Contact log import:" in capsys.readouterr().out


def test_errors_are_listed_and_nothing_is_imported(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = case_rows(5)
    rows[2][3] = "12345"
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    code = main(
        ["import", "cases", str(path), "--creditor", "B", "--db", sqlite_url, "--lang", "en"]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert 'row 4, column 手机号, value "12345": Not a mainland phone number' in out
    assert "nothing was imported" in out


def test_keep_valid_writes_the_error_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = case_rows(5)
    rows[0][7] = "x"
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    errors = tmp_path / "errors.csv"
    argv = [
        "import",
        "cases",
        str(path),
        "--creditor",
        "B",
        "--keep-valid",
        "--errors",
        str(errors),
    ]
    assert main([*argv, "--db", sqlite_url, "--lang", "en"]) == 0
    assert "4 created" in capsys.readouterr().out
    assert [r[0] for r in read_table(errors).rows] == ["WA000001"]


def test_dry_run_and_a_mapping_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = ("单号", *CASE_HEADERS[1:])
    path = write_csv(tmp_path / "cases.csv", headers, case_rows(3))
    mapping = tmp_path / "mapping.json"
    fields = {
        "单号": "case_number",
        "姓名": "debtor_name",
        "逾期金额": "amount_overdue",
        "逾期天数": "days_past_due",
    }
    mapping.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    argv = ["import", "cases", str(path), "--creditor", "B", "--mapping", str(mapping), "--dry-run"]
    assert main([*argv, "--db", sqlite_url, "--lang", "en"]) == 0
    assert "3 valid, 0 with errors; nothing was written" in capsys.readouterr().out


def test_errors_file_needs_keep_valid(sqlite_url: str, tmp_path: Path) -> None:
    argv = ["import", "cases", "x.csv", "--errors", str(tmp_path / "e.csv"), "--db", sqlite_url]
    assert main(argv) == 2


def test_geocode_run_and_place(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = case_rows(1)
    rows[0][4], rows[0][5] = "上海市黄浦区1号", ""
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    main(["import", "cases", str(path), "--creditor", "B", "--db", sqlite_url])
    behaviour = Behaviour(places={"上海市黄浦区1号": place(31.23, 121.48)})
    with nominatim_server(behaviour) as domain:
        (tmp_path / "settings.ini").write_text(
            f"[geocoding]\ndomain = {domain}\nscheme = http\nmin_delay_seconds = 0\n",
            encoding="utf-8",
        )
        assert main(["geocode", "run", "--db", sqlite_url, "--lang", "en"]) == 0
    assert "1 exact" in capsys.readouterr().out
    assert main(["geocode", "place", "1", "31.2", "121.4", "--db", sqlite_url, "--lang", "en"]) == 0
    assert "placed at 31.200000, 121.400000" in capsys.readouterr().out


def test_duplicate_headers_are_an_error_naming_both_columns(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = (*CASE_HEADERS, "姓名")
    rows = [[*row, "另一个名字"] for row in case_rows(3)]
    path = write_csv(tmp_path / "cases.csv", headers, rows)
    argv = ["import", "cases", str(path), "--creditor", "B", "--db", sqlite_url, "--lang", "en"]
    assert main(argv) == 2
    err = capsys.readouterr()
    message = err.out + err.err
    last = chr(ord("A") + len(CASE_HEADERS))
    assert f"The header “姓名” appears twice, in columns B and {last}" in message
    assert main(["import", "last", "--db", sqlite_url, "--lang", "en"]) in (0, 2)
    assert "Last Case" not in capsys.readouterr().out


def test_formula_cells_are_neutralised_in_the_error_file(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = case_rows(3)
    rows[1][1] = "=cmd|' /C calc'!A0"
    rows[1][3] = "12345"  # a bad phone number: the row goes to the error file
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    errors = tmp_path / "errors.csv"
    argv = ["import", "cases", str(path), "--creditor", "B", "--db", sqlite_url,
            "--keep-valid", "--errors", str(errors), "--lang", "en"]  # fmt: skip
    main(argv)
    written = errors.read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in written
    assert ",=cmd" not in written


def test_imported_cases_and_debtors_are_sealed_and_verify(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(12))
    argv = ["import", "cases", str(cases), "--creditor", "BANK", "--db", sqlite_url, "--lang", "en"]
    assert main(argv) == 0
    rows = case_rows(12)
    rows[3][6] = "999.00"  # the same file again with one amount changed: an update
    again = write_csv(tmp_path / "again.csv", CASE_HEADERS, rows)
    argv[2] = str(again)
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--db", sqlite_url, "--lang", "en"]) == 0, capsys.readouterr()
    assert "The audit chain is intact." in capsys.readouterr().out


def test_german_amounts_need_the_decimal_comma_and_keep_their_currency(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from decimal import Decimal

    from sqlalchemy import select

    from fieldvisit.storage import models as m
    from fieldvisit.storage.database import Database

    rows = case_rows(3)
    for row in rows:
        row[6] = "1.250,50"
    rows[1][6] = "12,50"
    path = write_csv(tmp_path / "faelle.csv", CASE_HEADERS, rows)
    argv = [
        "import",
        "cases",
        str(path),
        "--creditor",
        "DEBANK",
        "--db",
        sqlite_url,
        "--lang",
        "en",
    ]
    # Read as "." decimals, "12,50" would have been 1250: it is refused, naming row and column.
    assert main(argv) == 2
    out = capsys.readouterr().out
    assert "row 3, column 逾期金额" in out
    assert "--decimal-comma" in out
    assert main([*argv, "--decimal-comma", "--currency", "eur"]) == 0
    database = Database.open(sqlite_url)
    with database.session_factory() as session:
        cases = session.scalars(select(m.Case).order_by(m.Case.id)).all()
    database.dispose()
    assert [c.amount_overdue for c in cases] == [
        Decimal("1250.50"),
        Decimal("12.50"),
        Decimal("1250.50"),
    ]
    assert {c.currency for c in cases} == {"EUR"}
