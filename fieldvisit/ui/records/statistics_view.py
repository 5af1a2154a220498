"""The Reports screen: the team's figures for a date range as a table, and a CSV export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.i18n import translate
from fieldvisit.services.records.statistics import ReportsService, TeamReport
from fieldvisit.ui.records.statistics_chart import BarChart
from fieldvisit.ui.tasks import TaskRunner

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("records.reports.metric", "records.reports.value")


def report_lines(report: TeamReport, lang: str) -> list[tuple[str, str]]:
    """(measure, value) lines of a report, translated: what the table shows."""

    def t(key: str, **params: object) -> str:
        return translate(f"records.reports.{key}", lang, **params)

    rate = report.promise_kept_rate
    alarms = report.alarms
    mean, longest = alarms.mean_response_minutes, alarms.max_response_minutes
    lines = [
        (t("visits"), str(report.visits)),
        (t("promise_rate"), "—" if rate is None else f"{rate:.0%}"),
        (t("promises"), f"{report.promises_kept} / {report.promises_broken}"),
        (t("exceptions"), str(report.exceptions_approved)),
        (t("alarms"), f"{alarms.raised} ({alarms.acknowledged})"),
        (t("response"), "—" if mean is None else f"{mean:.1f} / {longest:.1f}"),
    ]
    lines += [
        (t("outcome", outcome=translate(f"records.outcome.{code}", lang)), str(count))
        for code, count in report.outcome_mix
    ]
    lines += [
        (t("collector_day", collector=row.collector, day=row.day), str(row.visits))
        for row in report.per_collector_day
    ]
    return lines


class ReportTableModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self._lines: list[tuple[str, str]] = []

    def set_report(self, report: TeamReport) -> None:
        self.beginResetModel()
        self._lines = report_lines(report, self._lang)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._lines[index.row()][index.column()]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate(COLUMNS[section], self._lang)
        return None


class ReportsView(QWidget):
    report_loaded = Signal()
    csv_saved = Signal(str)

    def __init__(
        self,
        reports: ReportsService,
        actor: Actor,
        lang: str,
        tasks: TaskRunner,
        today: date,
        choose_path: Callable[[str], Path | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._reports, self._actor, self._lang, self._tasks = reports, actor, lang, tasks
        self._choose_path = choose_path or self._ask_path
        self.model = ReportTableModel(lang)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.start = QDateEdit(QDate(today.year, today.month, 1), self)
        self.end = QDateEdit(QDate(today.year, today.month, today.day), self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.refresh_button = QPushButton(translate("records.reports.refresh", lang), self)
        self.export = QPushButton(translate("records.reports.export", lang), self)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.export.clicked.connect(self._on_export_clicked)
        bar = QHBoxLayout()
        for widget in (self.start, self.end, self.refresh_button, self.export):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.chart = BarChart(self)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.chart, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(body)

    def _range(self) -> tuple[date, date]:
        start, end = self.start.date(), self.end.date()
        return (
            date(start.year(), start.month(), start.day()),
            date(end.year(), end.month(), end.day()),
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """A screen loads its data when it is shown, not when someone presses Refresh."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self._on_refresh_clicked()

    def _on_refresh_clicked(self) -> None:
        (start, end), service, actor = self._range(), self._reports, self._actor
        self._tasks.submit(
            lambda _p: service.team_report(actor, start, end), self._on_report_finished
        )

    def _on_report_finished(self, report: TeamReport) -> None:
        self.model.set_report(report)
        self.chart.set_bars(
            [
                (translate(f"records.outcome.{code}", self._lang), n)
                for code, n in report.outcome_mix
            ]
        )
        self.table.resizeColumnsToContents()
        self.report_loaded.emit()

    def _on_export_clicked(self) -> None:
        start, end = self._range()
        path = self._choose_path(f"visits-{start}-{end}.csv")
        if path is None:
            return
        service, actor, lang = self._reports, self._actor, self._lang

        def work(_progress: object) -> str:
            # UTF-8 with a byte-order mark: Excel on Chinese Windows then opens it correctly.
            path.write_text(service.visits_csv(actor, start, end, lang), encoding="utf-8-sig")
            return str(path)

        self._tasks.submit(work, self.csv_saved.emit)

    def _ask_path(self, suggested: str) -> Path | None:
        title = translate("records.reports.export", self._lang)
        name, _filter = QFileDialog.getSaveFileName(self, title, suggested, "CSV (*.csv)")
        return Path(name) if name else None
