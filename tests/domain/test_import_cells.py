"""Each cell type: what is accepted, how it is normalised, and the message when it is not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from fieldvisit.domain.import_cells import PARSERS, CellError, id_number_checksum, parse_amount
from fieldvisit.domain.import_fields import FieldSpec, FieldType


def parse(kind: FieldType, raw: str, max_length: int = 20) -> Any:
    return PARSERS[kind](FieldSpec("x", kind, False, (), max_length), raw)


def error_of(kind: FieldType, raw: str) -> str:
    with pytest.raises(CellError) as caught:
        parse(kind, raw)
    return caught.value.message_id


def valid_id(body: str) -> str:
    return body + id_number_checksum(body)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12345.67", "12345.67"), ("1,234.5", "1234.50"), ("¥ 800", "800.00"), ("3000元", "3000.00")],
)
def test_amounts_accept_common_spellings(raw: str, expected: str) -> None:
    assert parse(FieldType.AMOUNT, raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "import.error.not_amount"),
        ("NaN", "import.error.not_amount"),
        ("-5", "import.error.negative_amount"),
        ("1.234", "import.error.amount_precision"),
        ("1000000000000", "import.error.amount_too_large"),
        ("1e3", "import.error.not_amount"),
    ],
)
def test_bad_amounts_say_what_to_fix(raw: str, message: str) -> None:
    assert error_of(FieldType.AMOUNT, raw) == message


def test_days_accept_spreadsheet_floats_and_refuse_fractions() -> None:
    assert parse(FieldType.INTEGER, "45.0") == 45
    assert error_of(FieldType.INTEGER, "4.5") == "import.error.not_days"
    assert error_of(FieldType.INTEGER, "-3") == "import.error.not_days"
    assert error_of(FieldType.INTEGER, "99999999") == "import.error.not_days"


@pytest.mark.parametrize(
    "raw", ["2026-03-31", "2026/3/31", "20260331", "2026年3月31日", "2026-03-31 00:00:00"]
)
def test_dates_in_common_formats(raw: str) -> None:
    assert parse(FieldType.DATE, raw) == date(2026, 3, 31)


def test_impossible_dates_are_refused() -> None:
    assert error_of(FieldType.DATE, "2026-02-30") == "import.error.not_date"


def test_datetimes() -> None:
    assert parse(FieldType.DATETIME, "2026/11/02 09:30") == datetime(2026, 11, 2, 9, 30)
    assert error_of(FieldType.DATETIME, "yesterday") == "import.error.not_datetime"


def test_resident_id_checksum_is_checked() -> None:
    good = valid_id("11010519491231002")  # GB 11643 example body
    assert good == "11010519491231002X"
    assert parse(FieldType.ID_NUMBER, good.lower()) == good
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert error_of(FieldType.ID_NUMBER, wrong) == "import.error.id_checksum"


def test_resident_id_format_and_birth_date() -> None:
    assert error_of(FieldType.ID_NUMBER, "12345") == "import.error.id_format"
    assert (
        error_of(FieldType.ID_NUMBER, valid_id("31010119901332001")) == "import.error.id_birth_date"
    )
    assert parse(FieldType.ID_NUMBER, "310101900101001") == "310101900101001"  # 15-digit, old


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("021-12345678", "021-12345678"),
    ],
)
def test_phone_numbers(raw: str, expected: str) -> None:
    assert parse(FieldType.PHONE, raw) == expected


@pytest.mark.parametrize("raw", ["1234", "12912345678", "139123456789", "phone"])
def test_bad_phone_numbers(raw: str) -> None:
    assert error_of(FieldType.PHONE, raw) == "import.error.phone_format"


def test_states_in_chinese_and_english() -> None:
    assert parse(FieldType.STATE, "争议") == "disputed"
    assert parse(FieldType.STATE, "Cease Requested") == "cease_requested"
    with pytest.raises(CellError) as caught:
        parse(FieldType.STATE, "悬挂")
    assert caught.value.message_id == "import.error.unknown_state"
    assert "disputed" in caught.value.params["allowed"]


def test_channels_booleans_flags() -> None:
    assert parse(FieldType.CHANNEL, "电话") == "call"
    assert parse(FieldType.BOOLEAN, "是") is True
    assert parse(FieldType.BOOLEAN, "No") is False
    assert error_of(FieldType.BOOLEAN, "maybe") == "import.error.not_boolean"
    assert parse(FieldType.FLAGS, "失联、vulnerable, 失联") == ["debtor_unreachable", "vulnerable"]
    assert error_of(FieldType.FLAGS, "vip") == "import.error.unknown_flag"


def test_text_length() -> None:
    assert error_of(FieldType.TEXT, "x" * 21) == "import.error.too_long"


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1,250.00", ".", "1250.00"),
        ("1,234,567.8", ".", "1234567.80"),
        ("12,50", ",", "12.50"),
        ("1.250,50", ",", "1250.50"),
        ("€ 1.250,50", ",", "1250.50"),
        ("£1,250.5", ".", "1250.50"),
        ("USD 99", ".", "99.00"),
        ("1 250,50", ",", "1250.50"),
    ],
)
def test_amounts_by_decimal_mark(raw: str, decimal: str, expected: str) -> None:
    spec = FieldSpec("amount_overdue", FieldType.AMOUNT, True, ())
    assert parse_amount(spec, raw, decimal) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "decimal"),
    [("12,50", "."), ("1,2345", "."), ("12.50", ","), ("1.25.0", "."), ("1,250.00", ",")],
)
def test_a_mark_in_the_wrong_place_is_refused_not_guessed(raw: str, decimal: str) -> None:
    spec = FieldSpec("amount_overdue", FieldType.AMOUNT, True, ())
    with pytest.raises(CellError) as caught:
        parse_amount(spec, raw, decimal)
    assert caught.value.message_id in ("import.error.amount_grouping", "import.error.not_amount")
