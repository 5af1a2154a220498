"""Validating an imported table row by row, collecting every error before anything is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldvisit.domain.import_cells import PARSERS, CellError, parse_amount
from fieldvisit.domain.import_fields import FIELDS, FieldSpec, FieldType, ImportKind, field_specs
from fieldvisit.domain.messages import Message

HEADER_ROW = 1
# The field that identifies a row; a second row with the same key is a duplicate.
ROW_KEYS: Mapping[ImportKind, str] = {
    ImportKind.CASES: "case_number",
    ImportKind.CONTACTS: "external_id",
    ImportKind.PAYMENTS: "external_id",
}


@dataclass(frozen=True)
class Table:
    """A file's cells as text; ``rows[i]`` is file row ``i + 2`` (row 1 holds the headers)."""

    headers: tuple[str, ...]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class RowError:
    """One problem: the file row, its column header, the value found, and what to fix."""

    row: int
    column: str
    value: str
    message: Message


@dataclass(frozen=True)
class ValidRow:
    row: int
    values: Mapping[str, Any]


@dataclass
class Validation:
    """The outcome of checking a table: rows ready to write and every error found."""

    kind: ImportKind
    total: int
    valid: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field → the file's header

    def header_of(self, name: str) -> str:
        return self.columns.get(name, name)

    @property
    def rejected_rows(self) -> set[int]:
        return {error.row for error in self.errors if error.row > HEADER_ROW}

    def reject(self, errors: Sequence[RowError]) -> None:
        """Add errors found after cell validation (a case that does not exist, an unknown team)."""
        if not errors:
            return
        self.errors.extend(errors)
        rows = {error.row for error in errors}
        self.valid = [row for row in self.valid if row.row not in rows]


def check_mapping(
    kind: ImportKind, headers: Sequence[str], mapping: Mapping[str, str]
) -> list[RowError]:
    """Errors of the mapping itself: unknown field, a field mapped twice, a required one missing."""
    specs = field_specs(kind)
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for header, name in mapping.items():
        if header not in headers:
            continue
        if name not in specs:
            errors.append(_header_error(header, "import.error.unknown_field", field=name))
        elif name in seen:
            errors.append(
                _header_error(header, "import.error.field_twice", field=name, other=seen[name])
            )
        else:
            seen[name] = header
    for spec in FIELDS[kind]:
        if spec.required and spec.name not in seen:
            errors.append(_header_error("", "import.error.required_column", field=spec.name))
    return errors


def _header_error(column: str, message_id: str, **params: Any) -> RowError:
    return RowError(HEADER_ROW, column, column, Message(message_id, params))


def validate_table(
    kind: ImportKind, table: Table, mapping: Mapping[str, str], *, decimal: str = "."
) -> Validation:
    """Every row parsed with the mapping; blank rows are skipped, every bad cell is reported.

    ``decimal``: the file's decimal mark for amounts ("." or ","; from the import request).
    """
    if decimal not in (".", ","):
        raise ValueError(f"decimal mark {decimal!r} is neither '.' nor ','")
    mapping_errors = check_mapping(kind, table.headers, mapping)
    columns = _columns(kind, table.headers, mapping)
    validation = Validation(kind, total=0, errors=mapping_errors)
    validation.columns = {spec.name: header for header, spec, _ in columns}
    if mapping_errors:
        validation.total = sum(1 for cells in table.rows if any(c.strip() for c in cells))
        return validation
    key_field = ROW_KEYS[kind]
    first_seen: dict[Any, int] = {}
    for offset, cells in enumerate(table.rows):
        if not any(cell.strip() for cell in cells):
            continue
        validation.total += 1
        row_number = offset + HEADER_ROW + 1
        values, errors = _parse_row(columns, cells, row_number, decimal)
        key = values.get(key_field)
        if not errors and key is not None:
            if key in first_seen:
                header = next(h for h, s, _ in columns if s.name == key_field)
                message = Message("import.error.duplicate", {"first_row": first_seen[key]})
                errors.append(RowError(row_number, header, str(key), message))
            else:
                first_seen[key] = row_number
        if errors:
            validation.errors.extend(errors)
        else:
            validation.valid.append(ValidRow(row_number, values))
    return validation


def _columns(
    kind: ImportKind, headers: Sequence[str], mapping: Mapping[str, str]
) -> list[tuple[str, FieldSpec, int]]:
    specs = field_specs(kind)
    return [
        (header, specs[mapping[header]], index)
        for index, header in enumerate(headers)
        if mapping.get(header) in specs
    ]


def _parse_row(
    columns: Sequence[tuple[str, FieldSpec, int]],
    cells: Sequence[str],
    row_number: int,
    decimal: str = ".",
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for header, spec, index in columns:
        raw = cells[index].strip() if index < len(cells) else ""
        if not raw:
            if spec.required:
                errors.append(RowError(row_number, header, raw, Message("import.error.required")))
            values[spec.name] = None
            continue
        try:
            if spec.type is FieldType.AMOUNT:
                values[spec.name] = parse_amount(spec, raw, decimal)
            else:
                values[spec.name] = PARSERS[spec.type](spec, raw)
        except CellError as problem:
            errors.append(
                RowError(row_number, header, raw, Message(problem.message_id, problem.params))
            )
    return values, errors
