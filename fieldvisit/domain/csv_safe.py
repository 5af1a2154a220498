"""CSV cells that a spreadsheet cannot run: the OWASP rule against formula (CSV) injection."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice, Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Plain numbers stay numbers: "-12.50" is an amount, not a formula.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def neutralise(value: object) -> object:
    """The cell as written: text that a spreadsheet would evaluate gets a leading apostrophe."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` that neutralises every cell; every CSV the application writes uses it."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
