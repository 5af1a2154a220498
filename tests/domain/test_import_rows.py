"""Mapping headers to fields, validating whole tables, and decoding CSV bytes."""

from __future__ import annotations

import codecs

import pytest

from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_csv import parse_csv
from fieldvisit.domain.import_fields import ImportKind, guess_mapping, merge_mapping
from fieldvisit.domain.import_rows import Table, validate_table

HEADERS = ("案件编号", "姓名", "身份证号", "手机号", "家庭住址", "逾期金额", "逾期天数", "状态")
GOOD = [
    "WA1",
    "张三",
    "11010519491231002X",
    "13912345678",
    "上海市黄浦区1号",
    "100.00",
    "45",
    "正常",
]


def test_default_mapping_knows_chinese_and_english_headers() -> None:
    assert guess_mapping(ImportKind.CASES, HEADERS) == {
        "案件编号": "case_number",
        "姓名": "debtor_name",
        "身份证号": "id_number",
        "手机号": "phone",
        "家庭住址": "home_address",
        "逾期金额": "amount_overdue",
        "逾期天数": "days_past_due",
        "状态": "state",
    }
    english = guess_mapping(ImportKind.CASES, ["Case Number", "Name", "Amount_Overdue", "DPD"])
    assert set(english.values()) == {
        "case_number",
        "debtor_name",
        "amount_overdue",
        "days_past_due",
    }


def test_a_saved_mapping_wins_over_the_defaults() -> None:
    merged = merge_mapping(ImportKind.CASES, ["编号", "案件编号"], {"编号": "case_number"})
    assert merged == {"编号": "case_number"}


def test_valid_rows_are_parsed() -> None:
    result = validate_table(
        ImportKind.CASES, Table(HEADERS, [GOOD]), guess_mapping(ImportKind.CASES, HEADERS)
    )
    assert result.errors == []
    assert result.valid[0].row == 2
    assert result.valid[0].values["days_past_due"] == 45


def test_every_bad_cell_of_a_row_is_reported_with_row_column_and_value() -> None:
    bad = [*GOOD]
    bad[2] = "110105194912310021"
    bad[5] = "abc"
    result = validate_table(
        ImportKind.CASES, Table(HEADERS, [GOOD, bad]), guess_mapping(ImportKind.CASES, HEADERS)
    )
    assert [(e.row, e.column, e.value, e.message.id) for e in result.errors] == [
        (3, "身份证号", "110105194912310021", "import.error.id_checksum"),
        (3, "逾期金额", "abc", "import.error.not_amount"),
    ]
    assert [r.row for r in result.valid] == [2]


def test_duplicates_point_at_the_first_row() -> None:
    table = Table(HEADERS, [GOOD, [], GOOD])
    result = validate_table(ImportKind.CASES, table, guess_mapping(ImportKind.CASES, HEADERS))
    assert result.total == 2  # the blank row is skipped, not counted
    assert [(e.row, e.message.id, e.message.params["first_row"]) for e in result.errors] == [
        (4, "import.error.duplicate", 2)
    ]


def test_missing_required_cells_and_columns() -> None:
    row = [*GOOD]
    row[1] = " "
    result = validate_table(
        ImportKind.CASES, Table(HEADERS, [row]), guess_mapping(ImportKind.CASES, HEADERS)
    )
    assert [(e.column, e.message.id) for e in result.errors] == [("姓名", "import.error.required")]
    no_amount = validate_table(
        ImportKind.CASES, Table(HEADERS, [GOOD]), {"案件编号": "case_number"}
    )
    missing = {e.message.params["field"] for e in no_amount.errors}
    assert missing == {"debtor_name", "amount_overdue", "days_past_due"}
    assert no_amount.valid == []


def test_a_field_mapped_twice_is_refused() -> None:
    result = validate_table(
        ImportKind.CASES,
        Table(HEADERS, [GOOD]),
        {**guess_mapping(ImportKind.CASES, HEADERS), "手机号": "id_number"},
    )
    assert "import.error.field_twice" in {e.message.id for e in result.errors}


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
    ],
)
def test_csv_encodings_are_detected(encoding: str, prefix: bytes) -> None:
    text = '案件编号,姓名\r\nWA1,张三\r\nWA2,"李,四"\r\n'
    table, _ = parse_csv(prefix + text.encode(encoding))
    assert table.headers == ("案件编号", "姓名")
    assert [list(r) for r in table.rows] == [["WA1", "张三"], ["WA2", "李,四"]]


def test_semicolon_and_tab_separated_files() -> None:
    table, _ = parse_csv("案件编号\t姓名\nWA1\t张三\n".encode())
    assert table.rows == [["WA1", "张三"]]


def test_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_csv(b"")
    assert caught.value.message.id == "import.error.empty_file"
