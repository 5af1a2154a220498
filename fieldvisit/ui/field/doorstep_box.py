"""The check-out's "Debtor declared…" section: times not to come, or no more visits here."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QWidget,
)

from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.i18n import translate

EVERY_DAY = -1  # the weekday combo's "every day"


def _time_edit(value: time, parent: QWidget) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute), parent)
    edit.setDisplayFormat("HH:mm")
    return edit


def _time(edit: QTimeEdit) -> time:
    value = edit.time()
    return time(value.hour(), value.minute())


class DoorstepBox(QGroupBox):
    """Unticked: nothing was declared. Ticked: the declaration the check-out records."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(translate("safety.declare.title", lang), parent)
        self._lang = lang
        self.setCheckable(True)
        self.setChecked(False)
        self.kind = QComboBox(self)
        for kind in DoorstepKind:
            self.kind.addItem(translate(f"safety.declare.kind.{kind.value}", lang), kind.value)
        self.weekday = QComboBox(self)
        self.weekday.addItem(translate("safety.declare.every_day", lang), EVERY_DAY)
        for day in range(7):
            self.weekday.addItem(translate(f"ui.weekday.{day}", lang), day)
        self.start = _time_edit(time(9, 0), self)
        self.end = _time_edit(time(12, 0), self)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(translate("safety.declare.note_hint", lang))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        for field, widget in (
            ("kind", self.kind), ("weekday", self.weekday), ("start", self.start),
            ("end", self.end), ("note", self.note),
        ):  # fmt: skip
            form.addRow(translate(f"safety.declare.field.{field}", lang), widget)
        form.addRow(self.hint)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()

    def _chosen_kind(self) -> DoorstepKind:
        return DoorstepKind(self.kind.currentData())

    def _on_kind_changed(self, *_args: object) -> None:
        times = self._chosen_kind() is DoorstepKind.INCONVENIENT
        for widget in (self.weekday, self.start, self.end):
            widget.setEnabled(times)
        self.hint.setText(translate(f"safety.declare.hint.{self._chosen_kind().value}", self._lang))

    def declaration(self) -> DoorstepDeclaration | None:
        """What was declared, or None; times that end before they start raise ``FieldError``."""
        if not self.isChecked():
            return None
        day = self.weekday.currentData()
        return DoorstepDeclaration(
            self._chosen_kind(),
            None if day == EVERY_DAY else int(day),
            _time(self.start),
            _time(self.end),
            self.note.text().strip()[:300] or None,
        )
