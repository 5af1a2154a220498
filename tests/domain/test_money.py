"""Amounts are shown with their own currency, never a fixed ¥."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldvisit.domain.money import currency_prefix, format_money


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("CNY", "¥1,250.50"), ("USD", "$1,250.50"), ("GBP", "£1,250.50"), ("EUR", "€1,250.50"),
     ("CHF", "CHF 1,250.50"), ("", "1,250.50")],
)  # fmt: skip
def test_each_currency_is_printed_with_its_own_mark(currency: str, expected: str) -> None:
    assert format_money(Decimal("1250.5"), currency) == expected


def test_no_amount_is_a_dash_and_unknown_currency_has_no_prefix() -> None:
    assert format_money(None, "EUR") == "—"
    assert currency_prefix(None) == ""
