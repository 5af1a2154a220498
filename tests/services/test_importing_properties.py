"""Malformed rows and cells: nothing is ever half-imported, and every bad cell is reported."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.domain.import_rows import Table
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.storage.database import Database
from tests.helpers import table_contents
from tests.services.import_files import CASE_HEADERS, case_row
from tests.services.test_importing_cases import service

# column index → bad values; each one must be rejected in that column.
BAD_CELLS: dict[int, tuple[str, ...]] = {
    0: ("",),
    1: ("", "名" * 101),
    2: ("123", "110105194912310021", "31010119901332001X"),
    3: ("12345", "2912345678"),
    4: ("路" * 301,),
    6: ("", "-1", "1.005", "一千", "1e15"),
    7: ("", "-3", "4.5", "很久"),
    8: ("悬挂", "active?"),
    9: ("2026-13-01", "昨天"),
}
GARBAGE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz张王李", min_size=1, max_size=8)


@dataclass(frozen=True)
class Damage:
    row: int  # index into the generated rows
    column: int
    value: str


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[list[list[str]], set[tuple[int, str]]]:
    count = draw(st.integers(1, 8))
    rows = [case_row(1000 + i) for i in range(count)]
    expected: set[tuple[int, str]] = set()
    for index in draw(st.sets(st.integers(0, count - 1), max_size=count)):
        column = draw(st.sampled_from(sorted(BAD_CELLS)))
        value = draw(
            st.sampled_from(BAD_CELLS[column]) | (GARBAGE if column == 6 else st.nothing())
        )
        rows[index][column] = value
        expected.add((index + 2, CASE_HEADERS[column]))
    if draw(st.booleans()):
        cut = draw(st.integers(0, count - 1))
        rows[cut] = rows[cut][:6]  # a short row: amount and days are missing
        expected |= {(cut + 2, "逾期金额"), (cut + 2, "逾期天数")}
    return rows, expected


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damaged_files(), st.booleans())
def test_damaged_files_import_whole_rows_or_nothing(
    database: Database, damaged: tuple[list[list[str]], set[tuple[int, str]]], keep_valid: bool
) -> None:
    rows, expected = damaged
    importer = service(database)
    before = table_contents(database.engine)
    request = ImportRequest(ImportKind.CASES, "x.csv", creditor_code="BANK", keep_valid=keep_valid)
    report = importer.run(Table(CASE_HEADERS, rows), request)
    reported = {(e.row, e.column) for e in report.errors}
    assert expected <= reported, "every damaged cell is reported"
    assert {row for row, _ in reported} == {row for row, _ in expected}, "no healthy row accused"
    after = table_contents(database.engine)
    if expected and not keep_valid:
        assert not report.committed
        assert after == before
    else:
        healthy = len(rows) - len({row for row, _ in expected})
        assert report.counts.created + report.counts.unchanged + report.counts.updated == healthy
        stored = {case[2] for case in after["cases"]} - {case[2] for case in before["cases"]}
        bad_numbers = {rows[row - 2][0] for row, _ in expected}
        assert not (stored & bad_numbers), "no damaged row was written"
