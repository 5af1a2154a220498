"""The detail pane's compliance tab: may this case be visited on a date, when, and why not."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from fieldvisit.i18n import render, translate
from fieldvisit.services.planning.eligibility_model import CaseEligibility

COLUMNS = ("ui.elig.col.rule", "ui.elig.col.severity", "ui.elig.col.message", "ui.elig.col.source")


class CaseEligibilityView(QWidget):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._result: CaseEligibility | None = None
        self._day: date | None = None
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.reasons = QTableWidget(0, len(COLUMNS), self)
        self.reasons.verticalHeader().setVisible(False)
        self.reasons.horizontalHeader().setStretchLastSection(True)
        self.reasons.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.reasons, 1)
        self.retranslate(lang)

    def show_result(self, result: CaseEligibility | None, day: date | None) -> None:
        self._result, self._day = result, day
        self._render()

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.reasons.setHorizontalHeaderLabels([translate(c, lang) for c in COLUMNS])
        self._render()

    def _render(self) -> None:
        result, lang = self._result, self._lang
        if result is None or self._day is None:
            self.summary.setText(translate("ui.elig.none", lang))
            self.reasons.setRowCount(0)
            return
        windows = ", ".join(f"{w.start:%H:%M}–{w.end:%H:%M}" for w in result.intervals) or "—"
        self.summary.setText(
            translate(
                "ui.elig.summary",
                lang,
                day=self._day.isoformat(),
                status=translate(f"status.{result.status.value}", lang),
                windows=windows,
                profile=f"{result.ruleset.profile_id} {result.ruleset.profile_version}",
                as_of=f"{result.contact_data_as_of:%Y-%m-%d %H:%M}"
                if result.contact_data_as_of
                else "—",
            )
        )
        self.reasons.setRowCount(len(result.reasons))
        for row, reason in enumerate(result.reasons):
            cells = (
                reason.rule,
                translate(f"compliance.severity.{reason.severity.value}", lang),
                render(reason.message, lang),
                reason.source.text(lang),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.reasons.setItem(row, column, item)
        self.reasons.resizeColumnsToContents()
