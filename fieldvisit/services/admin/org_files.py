"""Reading organisation and declaration files (CSV, or XLSX with one sheet per record kind).

An organisation file holds teams, creditors, crews and people: in an XLSX workbook one sheet
each (``teams``, ``creditors``, ``crews``, ``people``), in a CSV file one ``record`` column
saying which kind each row is. Every row is parsed before anything is written; all problems are
reported together with their sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from fieldvisit.domain.compliance.profiles import available_profiles
from fieldvisit.domain.declarations import parse_availability, parse_consent
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_csv import parse_csv
from fieldvisit.domain.import_rows import Table
from fieldvisit.domain.messages import Message
from fieldvisit.domain.organisation import (
    FieldError,
    parse_creditor,
    parse_crew,
    parse_person,
    parse_team,
)
from fieldvisit.services.admin.organisation import Entry, OrgBatch, OrgProblem

T = TypeVar("T")
KINDS = ("team", "creditor", "crew", "person")
_SHEET_KIND = {
    "teams": "team", "team": "team", "团队": "team",
    "creditors": "creditor", "creditor": "creditor", "委托方": "creditor",
    "crews": "crew", "crew": "crew", "外访组": "crew",
    "people": "person", "person": "person", "users": "person", "人员": "person",
}  # fmt: skip
_HEADER_ALIASES = {"record": "record", "类型": "record", "记录类型": "record"}


def _key(header: str) -> str:
    clean = header.strip().lower().replace(" ", "_").replace("-", "_")
    return _HEADER_ALIASES.get(clean, clean)


def read_sheets(path: Path) -> list[tuple[str, Table]]:
    """Every sheet of an XLSX workbook by name, or a CSV file as one sheet named ``""``."""
    if not path.is_file():
        raise ValidationError("import.error.file_missing", path=str(path))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return [("", parse_csv(path.read_bytes())[0])]
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError("import.error.bad_xlsx", path=str(path), detail=str(exc)) from None
    try:
        return [(sheet.title, _sheet_table(sheet)) for sheet in book.worksheets]
    finally:
        book.close()


def _sheet_table(sheet: Any) -> Table:
    rows = [
        ["" if c is None else _cell(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    rows = [r for r in rows if any(r)]
    return Table(tuple(rows[0]) if rows else (), rows[1:])


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()  # dates as YYYY-MM-DD, times as HH:MM:SS
        return text
    return str(value).strip()


def _records(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    keys = [_key(h) for h in table.headers]
    for index, cells in enumerate(table.rows, start=2):
        if any(c.strip() for c in cells):
            yield index, {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys)}


def _parse(
    parse: Callable[[Mapping[str, str]], T],
    sheet: str,
    row: int,
    values: Mapping[str, str],
    problems: list[OrgProblem],
) -> Entry[T] | None:
    try:
        return Entry(parse(values), sheet, row)
    except FieldError as error:
        problems.append(OrgProblem(sheet, row, error.field, error.value, error.message))
        return None


def org_batch(path: Path) -> tuple[OrgBatch, list[OrgProblem]]:
    """The records of an organisation file, and the rows and columns it could not read (the
    service adds what the database refuses, then reports them all)."""
    profiles = available_profiles()
    parsers: dict[str, Callable[[Mapping[str, str]], Any]] = {
        "team": lambda v: parse_team(v, profiles), "creditor": parse_creditor,
        "crew": parse_crew, "person": parse_person,
    }  # fmt: skip
    found: dict[str, list[Entry[Any]]] = {kind: [] for kind in KINDS}
    problems: list[OrgProblem] = []
    for sheet, table in read_sheets(path):
        sheet_kind = _SHEET_KIND.get(sheet.strip().lower()) if sheet else None
        if sheet and sheet_kind is None:
            message = Message("org.error.sheet", {"allowed": "teams, creditors, crews, people"})
            problems.append(OrgProblem(sheet, 1, "sheet", sheet, message))
            continue
        for row, values in _records(table):
            kind = sheet_kind or values.get("record", "").strip().lower()
            if kind not in parsers:
                message = Message("org.error.choice", {"allowed": ", ".join(KINDS)})
                problems.append(OrgProblem(sheet, row, "record", kind, message))
                continue
            entry = _parse(parsers[kind], sheet, row, values, problems)
            if entry is not None:
                found[kind].append(entry)
    if not any(found.values()) and not problems:
        raise ValidationError("import.error.empty_file")
    return OrgBatch(found["team"], found["creditor"], found["crew"], found["person"]), problems


def declaration_entries(path: Path, kind: str) -> tuple[list[Entry[Any]], list[OrgProblem]]:
    """Windows/blackouts (``availability``) or ``consents`` of a file, and the bad rows."""
    parse = parse_availability if kind == "availability" else parse_consent
    problems: list[OrgProblem] = []
    entries: list[Entry[Any]] = []
    for sheet, table in read_sheets(path)[:1]:
        for row, values in _records(table):
            entry = _parse(parse, sheet, row, values, problems)
            if entry is not None:
                entries.append(entry)
    if not entries and not problems:
        raise ValidationError("import.error.empty_file")
    return entries, problems
