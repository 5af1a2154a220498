"""The check-out dialog refuses an incomplete outcome and says what to fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pytestqt.qtbot import QtBot

from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PaymentMethod, PersonMet
from fieldvisit.ui.field.checkout_dialog import CheckoutDialog

TODAY = date(2026, 12, 1)


def _choose(combo: object, value: object) -> None:
    combo.setCurrentIndex(combo.findData(getattr(value, "value", value)))  # type: ignore[attr-defined]


def test_empty_form_lists_every_required_field(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "zh")
    qtbot.addWidget(dialog)
    dialog._on_buttons_accepted()
    text = dialog.errors.text()
    assert "接触对象：必填" in text
    assert "外访结果：必填" in text
    assert "下一步行动：必填" in text
    assert dialog.result() == 0


def test_payment_needs_amount_method_and_receipt(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en")
    qtbot.addWidget(dialog)
    _choose(dialog.person, PersonMet.DEBTOR)
    _choose(dialog.outcome, OutcomeCode.PAYMENT_COLLECTED)
    _choose(dialog.next_action, NextAction.AWAIT_PAYMENT)
    assert dialog.payment_amount.isEnabled()
    assert not dialog.ptp_amount.isEnabled()
    dialog._on_buttons_accepted()
    assert "Amount paid: enter an amount greater than 0" in dialog.errors.text()
    assert "Receipt no.: required" in dialog.errors.text()
    dialog.payment_amount.setValue(300)
    _choose(dialog.payment_method, PaymentMethod.CASH)
    dialog.receipt.setText("R-9")
    dialog._on_buttons_accepted()
    assert dialog.errors.text() == ""
    request = dialog.request()
    assert request.outcome.payment_amount == Decimal("300.00")
    assert request.visit_id == 7


def test_third_party_warning_shows_for_someone_else(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en")
    qtbot.addWidget(dialog)
    dialog.show()
    _choose(dialog.person, PersonMet.OTHER)
    assert dialog.third_party_hint.isVisible()
    _choose(dialog.outcome, OutcomeCode.PROMISE_TO_PAY)
    _choose(dialog.next_action, NextAction.PHONE_CALL)
    dialog._on_buttons_accepted()
    assert "nothing about the debt may be shared" in dialog.errors.text()


def test_amounts_carry_the_case_currency(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en", currency="GBP")
    qtbot.addWidget(dialog)
    assert dialog.ptp_amount.prefix() == "£"
    assert dialog.payment_amount.prefix() == "£"
