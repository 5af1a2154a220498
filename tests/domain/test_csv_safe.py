"""Cells a spreadsheet would evaluate are written as text (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from fieldvisit.domain.csv_safe import SafeWriter, neutralise


@pytest.mark.parametrize(
    "cell",
    ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", '=HYPERLINK("x")'],
)
def test_formula_looking_cells_get_an_apostrophe(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.50", "+86", "张三", "", "a=b", "1,234.50"])
def test_numbers_and_plain_text_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_writer_neutralises_every_cell_and_leaves_non_text_alone() -> None:
    out = io.StringIO()
    SafeWriter(out).writerow(["=1+1", 5, None, "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "5", "", "ok"]
