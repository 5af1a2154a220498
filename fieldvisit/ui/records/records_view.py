"""The Records screen for compliance: search and filter visit records, print them as PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.outcomes import OutcomeCode
from fieldvisit.i18n import translate
from fieldvisit.services.records.visit_records import RecordFilter, RecordRow, RecordsService
from fieldvisit.ui.records.records_model import RecordTableModel
from fieldvisit.ui.tasks import TaskRunner

PathChooser = Callable[[str], Path | None]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class RecordsView(QWidget):
    """Filters on top, the table, print buttons below; service calls run on the task runner."""

    records_loaded = Signal(int)
    pdf_saved = Signal(str)

    def __init__(
        self,
        records: RecordsService,
        actor: Actor,
        lang: str,
        tasks: TaskRunner,
        today: date,
        choose_path: PathChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._records, self._actor, self._lang, self._tasks = records, actor, lang, tasks
        self._choose_path = choose_path or self._ask_path
        self.model = RecordTableModel(lang)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._build_filters(today)
        self.status = QLabel("", self)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters)
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())
        layout.addWidget(self.status)

    def _t(self, key: str, **params: object) -> str:
        return translate(f"records.screen.{key}", self._lang, **params)

    def _build_filters(self, today: date) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self._t("search"))
        self.start = QDateEdit(_qdate(today.replace(day=1)), self)
        self.end = QDateEdit(_qdate(today), self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.outcome = QComboBox(self)
        self.outcome.addItem(self._t("any_outcome"), None)
        for code in OutcomeCode:
            self.outcome.addItem(translate(f"records.outcome.{code.value}", self._lang), code.value)
        self.latest = QCheckBox(self._t("latest_only"), self)
        self.latest.setChecked(True)
        self.find_button = QPushButton(self._t("find"), self)
        self.find_button.clicked.connect(self._on_find_clicked)
        self.search.returnPressed.connect(self._on_find_clicked)
        self._filters = QHBoxLayout()
        widgets: list[tuple[str | None, QWidget]] = [
            (None, self.search),
            ("from", self.start),
            ("to", self.end),
            (None, self.outcome),
            (None, self.latest),
            (None, self.find_button),
        ]
        for label, widget in widgets:
            if label:
                self._filters.addWidget(QLabel(self._t(label), self))
            self._filters.addWidget(widget)

    def _buttons(self) -> QHBoxLayout:
        self.print_visit = QPushButton(self._t("print_visit"), self)
        self.print_case = QPushButton(self._t("print_case"), self)
        self.print_binder = QPushButton(self._t("print_binder"), self)
        self.print_visit.clicked.connect(self._on_print_visit_clicked)
        self.print_case.clicked.connect(self._on_print_case_clicked)
        self.print_binder.clicked.connect(self._on_print_binder_clicked)
        row = QHBoxLayout()
        for button in (self.print_visit, self.print_case, self.print_binder):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def current_filter(self) -> RecordFilter:
        return RecordFilter(
            text=self.search.text(),
            start=_pydate(self.start.date()),
            end=_pydate(self.end.date()),
            outcome=self.outcome.currentData(),
            latest_only=self.latest.isChecked(),
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """A screen loads its data when it is shown, not when someone presses Search."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self._on_find_clicked()

    def _on_find_clicked(self) -> None:
        where, actor, service = self.current_filter(), self._actor, self._records
        self._tasks.submit(lambda _p: service.search(actor, where), self._on_search_finished)

    def _on_search_finished(self, rows: list[RecordRow]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.status.setText(self._t("count", count=len(rows)))
        self.records_loaded.emit(len(rows))

    def selected(self) -> RecordRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        return self.model.row_at(proxy.mapToSource(rows[0]).row())

    def _on_print_visit_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self._print(f"record-{row.record_id}.pdf",
                        lambda s, a, lang: s.print_visit(a, row.record_id, lang))  # fmt: skip

    def _on_print_case_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self._print(f"case-{row.case_number}.pdf",
                        lambda s, a, lang: s.print_case(a, row.case_number, lang))  # fmt: skip

    def _on_print_binder_clicked(self) -> None:
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        self._print(f"binder-{start}-{end}.pdf",
                    lambda s, a, lang: s.print_binder(a, start, end, lang))  # fmt: skip

    def _print(self, suggested: str, render: Callable[[RecordsService, Actor, str], bytes]) -> None:
        path = self._choose_path(suggested)
        if path is None:
            return
        service, actor, lang = self._records, self._actor, self._lang

        def work(_progress: object) -> str:
            path.write_bytes(render(service, actor, lang))
            return str(path)

        self._tasks.submit(work, self._on_pdf_written)

    def _on_pdf_written(self, path: str) -> None:
        self.status.setText(self._t("saved", path=path))
        self.pdf_saved.emit(path)

    def _ask_path(self, suggested: str) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(
            self, self._t("print_visit"), suggested, "PDF (*.pdf)"
        )
        return Path(name) if name else None
