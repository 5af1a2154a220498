"""Recording what a debtor declared, from the case detail pane or at the door: a window, a
blackout ("do not come before 10:00"), a consent or a notice, with its source and date."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import SOURCES, parse_availability, parse_consent
from fieldvisit.domain.enums import AvailabilityKind, ConsentKind
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.organisation import FieldError
from fieldvisit.i18n import render, translate
from fieldvisit.services.admin.declarations import Declarations
from fieldvisit.services.admin.organisation import Entry, OrgRejected

KINDS = (*(k.value for k in AvailabilityKind), *(k.value for k in ConsentKind))
WEEKDAYS = ("", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACES = ("", "home", "work", "other")
FIELDS = ("kind", "weekday", "date", "start", "end", "place", "valid_until", "source",
          "declared_on", "note")  # fmt: skip


class DeclarationDialog(QDialog):
    """One declaration for one case; a refusal names the field and nothing is saved."""

    def __init__(
        self,
        declarations: Declarations,
        actor: Actor,
        case_id: int,
        lang: str,
        today: date,
        parent: QWidget | None = None,
        *,
        source: str = "debtor",
    ) -> None:
        super().__init__(parent)
        self._declarations, self._actor, self._case_id, self._lang = (
            declarations, actor, case_id, lang,
        )  # fmt: skip
        self.setWindowTitle(translate("org.ui.declare.title", lang))
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        choices = {"kind": KINDS, "weekday": WEEKDAYS, "place": PLACES, "source": SOURCES}
        form = QFormLayout()
        for name in FIELDS:
            widget: QLineEdit | QComboBox
            if name in choices:
                widget = QComboBox(self)
                widget.addItems(list(choices[name]))
            else:
                widget = QLineEdit(self)
            self.inputs[name] = widget
            form.addRow(translate(f"org.ui.field.{name}", lang), widget)
        self._set("declared_on", today.isoformat())
        self._set("source", source)
        self._set("kind", AvailabilityKind.BLACKOUT.value)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _set(self, name: str, text: str) -> None:
        widget = self.inputs[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentText(text)
        else:
            widget.setText(text)

    def values(self) -> dict[str, str]:
        return {
            name: (w.currentText() if isinstance(w, QComboBox) else w.text()).strip()
            for name, w in self.inputs.items()
        }

    def _on_buttons_accepted(self) -> None:
        values = self.values()
        try:
            number, creditor = self._declarations.case_reference(self._actor, self._case_id)
            values.update(case=number, creditor=creditor)
            if values["kind"] in {k.value for k in AvailabilityKind}:
                window = parse_availability(values)
                self._declarations.record(self._actor, [Entry(window)])
            else:
                consent = parse_consent({**values, "given_on": values["declared_on"],
                                         "evidence": values["note"]})  # fmt: skip
                self._declarations.record(self._actor, (), [Entry(consent)])
        except FieldError as error:
            self._show(error.field, render(error.message, self._lang))
            return
        except OrgRejected as rejected:
            problem = rejected.problems[0]
            self._show(problem.field, render(problem.message, self._lang))
            return
        except FieldVisitError as error:
            self.message.setText(render(error.message, self._lang))
            return
        self.accept()

    def _show(self, field: str, text: str) -> None:
        if field == "given_on":
            field = "declared_on"
        name = translate(f"org.ui.field.{field}", self._lang)
        self.message.setText(f"{name}: {text}")
