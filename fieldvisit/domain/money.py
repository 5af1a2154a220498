"""Amounts shown with their own currency (ISO 4217 code stored with every amount)."""

from __future__ import annotations

from decimal import Decimal

# Symbols only where they are unambiguous for the readers of these profiles; else the code.
SYMBOLS = {"CNY": "¥", "USD": "$", "GBP": "£", "EUR": "€"}


def currency_prefix(currency: str | None) -> str:
    """What goes before an amount: "¥", "$", … or "CHF " for others; nothing when unknown."""
    if not currency:
        return ""
    code = currency.upper()
    return SYMBOLS.get(code, f"{code} ")


def format_money(value: Decimal | None, currency: str | None) -> str:
    """ "¥1,250.50", "€1,250.50", "CHF 12.00"; "—" for no amount."""
    if value is None:
        return "—"
    return f"{currency_prefix(currency)}{value:,.2f}"
