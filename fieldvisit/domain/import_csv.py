"""Decoding a CSV file's bytes into a table: UTF-8 (with or without BOM), UTF-16, GBK/GB18030."""

from __future__ import annotations

import codecs
import csv
import io

from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_rows import Table

_DELIMITERS = ",;\t"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with.

    A BOM decides; otherwise strict UTF-8, and on failure GB18030, the superset of GBK that
    Chinese Excel writes ("CSV" in a Chinese Windows locale).
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ValidationError("import.error.encoding") from None


def column_name(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 27 → AB."""
    name, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def check_headers(headers: tuple[str, ...]) -> None:
    """Refuse a repeated header: which of the two columns is meant cannot be guessed."""
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header.casefold()
        if key in seen:
            raise ValidationError(
                "import.error.duplicate_header",
                header=header,
                first=column_name(seen[key]),
                second=column_name(index),
            )
        seen[key] = index


def parse_csv(data: bytes) -> tuple[Table, str]:
    """The table in ``data`` (first row: headers) and the encoding detected."""
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ValidationError("import.error.empty_file") from None
    except csv.Error as exc:
        raise ValidationError("import.error.bad_csv", detail=str(exc)) from None
    clean_headers = tuple(h.strip() for h in headers)
    if not any(clean_headers):
        raise ValidationError("import.error.empty_file")
    check_headers(clean_headers)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ValidationError("import.error.bad_csv", detail=str(exc)) from None
    return Table(clean_headers, rows), encoding
