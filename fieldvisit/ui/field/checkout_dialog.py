"""The check-out form: outcome, promise, payment, consent, notes, next action, what the debtor
declared; says what to fix."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.messages import Message
from fieldvisit.domain.money import currency_prefix
from fieldvisit.domain.organisation import FieldError
from fieldvisit.domain.outcomes import (
    PAYING,
    NextAction,
    OutcomeCode,
    PaymentMethod,
    PersonMet,
    VisitOutcome,
    problems,
)
from fieldvisit.i18n import translate
from fieldvisit.services.field.checkout import CheckOut
from fieldvisit.ui.field.doorstep_box import DoorstepBox

E = TypeVar("E", bound=StrEnum)


def _combo(values: type[StrEnum], prefix: str, lang: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(translate("safety.form.choose", lang), None)
    for value in values:
        combo.addItem(translate(f"{prefix}.{value.value}", lang), value.value)
    return combo


def _chosen(combo: QComboBox, kind: type[E]) -> E | None:
    # Qt hands a StrEnum back as a plain str: convert it again.
    data = combo.currentData()
    return None if data is None else kind(data)


def _date_edit(value: date, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _money(parent: QWidget, currency: str | None = None) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setRange(0, 10_000_000)
    spin.setDecimals(2)
    # The case's own currency; none shown rather than a wrong one when it is not known.
    spin.setPrefix(currency_prefix(currency))
    return spin


def problem_text(message: Message, lang: str) -> str:
    """'Next action: choose one' — the field named in the reader's language."""
    field = str(message.params.get("field", ""))
    label = translate(f"safety.field.{field}", lang)
    return translate(message.id, lang, field=label)


class CheckoutDialog(QDialog):
    """Builds a ``CheckOut``; the same screen for every PIN, whatever it turns out to be."""

    def __init__(
        self,
        visit_id: int,
        today: date,
        lang: str,
        parent: QWidget | None = None,
        *,
        case_label: str = "",
        currency: str | None = None,
    ):
        super().__init__(parent)
        self._visit_id, self._today, self._lang = visit_id, today, lang
        self.case_label = case_label  # which visit this is: case number and address
        self._currency = currency  # the case's ISO 4217 code, shown with the amounts
        title = translate("safety.checkout.title", lang)
        self.setWindowTitle(f"{title} · {case_label}" if case_label else title)
        self.setMinimumWidth(520)
        self._build()
        self._on_outcome_changed()

    def _build(self) -> None:
        lang = self._lang
        self.person = _combo(PersonMet, "safety.person", lang, self)
        self.third_party_hint = QLabel(translate("safety.checkout.third_party_hint", lang), self)
        self.third_party_hint.setStyleSheet("color:#b02a37;")
        self.third_party_hint.setWordWrap(True)
        self.outcome = _combo(OutcomeCode, "safety.outcome", lang, self)
        self.ptp_amount = _money(self, self._currency)
        self.ptp_date = _date_edit(self._today, self)
        self.payment_amount = _money(self, self._currency)
        self.payment_method = _combo(PaymentMethod, "safety.method", lang, self)
        self.receipt = QLineEdit(self)
        self.entry_consent = QCheckBox(translate("safety.field.entry_consent", lang), self)
        self.id_shown = QCheckBox(translate("safety.field.id_shown", lang), self)
        self.recorded_audio = QCheckBox(translate("safety.field.recorded_audio", lang), self)
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText(translate("safety.checkout.notes_hint", lang))
        self.notes.setFixedHeight(70)
        self.next_action = _combo(NextAction, "safety.next", lang, self)
        self.next_date = _date_edit(self._today + timedelta(days=1), self)
        self.pin = QLineEdit(self)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(translate("safety.checkout.pin_hint", lang))
        self.heading = QLabel(self.case_label, self)
        self.heading.setStyleSheet("font-weight:bold;")
        self.heading.setWordWrap(True)
        self.doorstep = DoorstepBox(lang, self)
        self.errors = QLabel(self)
        self.errors.setStyleSheet("color:#b02a37;")
        self.errors.setWordWrap(True)
        self._layout()
        self.person.currentIndexChanged.connect(self._on_outcome_changed)
        self.outcome.currentIndexChanged.connect(self._on_outcome_changed)

    def _layout(self) -> None:
        form = QFormLayout()
        if self.case_label:
            form.addRow(self.heading)
        rows: list[tuple[str, QWidget]] = [
            ("person_met", self.person),
            ("outcome", self.outcome),
            ("ptp_amount", self.ptp_amount),
            ("ptp_date", self.ptp_date),
            ("payment_amount", self.payment_amount),
            ("payment_method", self.payment_method),
            ("receipt_no", self.receipt),
            ("notes", self.notes),
            ("next_action", self.next_action),
            ("next_action_date", self.next_date),
            ("pin", self.pin),
        ]
        for field, widget in rows:
            form.addRow(translate(f"safety.field.{field}", self._lang), widget)
            if field == "person_met":
                form.addRow("", self.third_party_hint)
        for box in (self.entry_consent, self.id_shown, self.recorded_audio):
            form.addRow("", box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("safety.checkout.submit", self._lang)
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            translate("safety.checkout.cancel", self._lang)
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.doorstep)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def _on_outcome_changed(self, *_args: object) -> None:
        code = _chosen(self.outcome, OutcomeCode)
        self.third_party_hint.setVisible(_chosen(self.person, PersonMet) == PersonMet.OTHER)
        promise_widgets: tuple[QWidget, ...] = (self.ptp_amount, self.ptp_date)
        for widget in promise_widgets:
            widget.setEnabled(code == OutcomeCode.PROMISE_TO_PAY)
        paying: tuple[QWidget, ...] = (self.payment_amount, self.payment_method, self.receipt)
        for widget in paying:
            widget.setEnabled(code in PAYING)

    def outcome_value(self) -> VisitOutcome:
        code = _chosen(self.outcome, OutcomeCode)
        promise, paying = code == OutcomeCode.PROMISE_TO_PAY, code in PAYING
        return VisitOutcome(
            person_met=_chosen(self.person, PersonMet),
            outcome=code,
            next_action=_chosen(self.next_action, NextAction),
            next_action_date=_date(self.next_date),
            ptp_amount=Decimal(f"{self.ptp_amount.value():.2f}") if promise else None,
            ptp_date=_date(self.ptp_date) if promise else None,
            payment_amount=Decimal(f"{self.payment_amount.value():.2f}") if paying else None,
            payment_method=_chosen(self.payment_method, PaymentMethod) if paying else None,
            receipt_no=self.receipt.text().strip() or None if paying else None,
            entry_consent=self.entry_consent.isChecked(),
            id_shown=self.id_shown.isChecked(),
            recorded_audio=self.recorded_audio.isChecked(),
            notes=self.notes.toPlainText().strip() or None,
        )

    def request(self) -> CheckOut:
        pin = self.pin.text().strip() or None
        declared = self.doorstep.declaration()
        return CheckOut(self._visit_id, self.outcome_value(), pin=pin, declaration=declared)

    def _on_buttons_accepted(self) -> None:
        lines = [
            f"• {problem_text(p, self._lang)}" for p in problems(self.outcome_value(), self._today)
        ]
        try:
            self.doorstep.declaration()
        except FieldError as error:
            lines.append(f"• {translate(f'safety.declare.error.{error.field}', self._lang)}")
        if lines:
            self.errors.setText(
                translate("safety.checkout.fix", self._lang) + "\n" + "\n".join(lines)
            )
            return
        self.errors.clear()
        self.accept()
