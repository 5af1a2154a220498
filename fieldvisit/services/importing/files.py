"""Reading import files (CSV in any common Chinese encoding, XLSX) and writing error files."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

from fieldvisit.domain.csv_safe import SafeWriter
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_csv import check_headers, parse_csv
from fieldvisit.domain.import_rows import HEADER_ROW, RowError, Table
from fieldvisit.i18n import render, translate

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: Path) -> Table:
    """The first sheet (XLSX) or the whole file (CSV) as text cells."""
    if not path.is_file():
        raise ValidationError("import.error.file_missing", path=str(path))
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise ValidationError("import.error.xls_unsupported", path=str(path))
    table, _encoding = parse_csv(path.read_bytes())
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 13800138000.0 is a phone number, 45.0 a count of days
    return str(value).strip()


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        # Read-only streams the sheet, so a 100,000-row file never sits in memory as objects.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError("import.error.bad_xlsx", path=str(path), detail=str(exc)) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None or not any(c is not None for c in header_cells):
            raise ValidationError("import.error.empty_file")
        headers = tuple(_cell_text(c) for c in header_cells)
        check_headers(headers)
        body = [[_cell_text(c) for c in row] for row in rows]
    finally:
        book.close()
    return Table(headers, body)


def write_error_file(path: Path, table: Table, errors: Iterable[RowError], lang: str) -> int:
    """The rejected rows as they were, plus a column saying what to fix; UTF-8 with BOM, so
    Excel opens it in Chinese locales too. Returns the number of rows written."""
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    fix_header = translate("import.errors_file.column", lang)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow([*table.headers, fix_header])
        for row_number in sorted(number for number in by_row if number > HEADER_ROW):
            cells = list(table.rows[row_number - HEADER_ROW - 1])
            cells += [""] * (len(table.headers) - len(cells))
            problems = "; ".join(
                f"{e.column}: {render(e.message, lang)}" for e in by_row[row_number]
            )
            writer.writerow([*cells[: len(table.headers)], problems])
    return len([n for n in by_row if n > HEADER_ROW])
