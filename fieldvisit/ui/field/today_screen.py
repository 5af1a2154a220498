"""The crew's day in the field: the approved round's stops, and check-in/out for each visit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Permission, allows
from fieldvisit.domain.enums import RoundStatus, StopApproval, StopStatus
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.field.today import TodayRound, TodayStop
from fieldvisit.ui.context import ScreenContext

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = (
    "today.col.seq",
    "today.col.time",
    "today.col.case",
    "today.col.address",
    "today.col.status",
)


class TodayStopsModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.stops: tuple[TodayStop, ...] = ()
        self.zone = ZoneInfo("UTC")  # replaced by the round's own zone before any row shows

    def set_round(self, today: TodayRound | None) -> None:
        self.beginResetModel()
        self.stops = today.stops if today else ()
        self.zone = ZoneInfo(today.timezone) if today else self.zone
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.stops)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        stop = self.stops[index.row()]
        return (
            str(stop.seq),
            _times(stop.planned_start, stop.planned_end, self.zone),
            f"{stop.case_number}  {stop.debtor}".strip(),
            stop.address,
            translate(_status_id(stop), self.lang),
        )[index.column()]

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate(COLUMNS[section], self.lang)
        return None


def _status_id(stop: TodayStop) -> str:
    if stop.visit_status:
        return f"today.status.{stop.visit_status}"
    if stop.approval == StopApproval.PENDING:
        return "today.status.awaiting_approval"
    if stop.stop_status != StopStatus.PLANNED:
        return f"today.status.{stop.stop_status}"
    return "today.status.todo"


def _times(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    if start is None or end is None:
        return "—"
    return f"{start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M}"


class TodayScreen(QWidget):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._lang = context.lang
        self._round: TodayRound | None = None
        self._started: TodayStop | None = None  # the stop whose visit the panel shows
        self.replan_dialog: QWidget | None = None
        self.replan_budget = Budget(seconds=3.0)  # a short wait: the crew is standing in the street
        self.model = TodayStopsModel(self._lang)
        self._build()
        self.retranslate(self._lang)
        self.refresh()

    def _build(self) -> None:
        self.heading = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            COLUMNS.index("today.col.address"), QHeaderView.ResizeMode.Stretch
        )
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.start_button = QPushButton(self)
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.replan_button = QPushButton(self)
        self.replan_button.setEnabled(False)
        self.replan_button.setShortcut(QKeySequence("Ctrl+R"))
        self.replan_button.clicked.connect(self._on_replan_button_clicked)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.addWidget(self.heading)
        column.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addStretch(1)
        row.addWidget(self.replan_button)
        column.addLayout(row)
        column.addWidget(self.message)
        self.panel_host = QWidget(self)
        self.panel_layout = QVBoxLayout(self.panel_host)
        self.current_panel: QWidget | None = None
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.panel_host)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)

    def retranslate(self, lang: str) -> None:
        self._lang = self.model.lang = lang
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self.start_button.setText(translate("today.start", lang))
        self.replan_button.setText(translate("replan.open", lang))
        self.replan_button.setToolTip(translate("replan.open_hint", lang))
        self._show_heading()

    def refresh(self) -> None:
        field, actor = self._context.services.field, self._context.actor
        # No date from here: "today" is the crew's own day, in its team's time zone.
        self._context.tasks.submit(
            lambda _p: field.today.round_for(actor),
            self._on_round_loaded,
            self._on_task_failed,
        )

    def selected_stop(self) -> TodayStop | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.stops[rows[0].row()] if rows else None

    def _show_heading(self) -> None:
        if self._round is None:
            self.heading.setText(translate("today.none", self._lang))
        else:
            self.heading.setText(
                translate("today.heading", self._lang, stops=len(self._round.stops))
            )

    def _on_round_loaded(self, today: TodayRound | None) -> None:
        self._round = today
        self.model.set_round(today)
        self._show_heading()
        self.replan_button.setEnabled(self._may_replan())
        self._on_table_selection_changed()

    def _may_replan(self) -> bool:
        under_way = self._round is not None and self._round.status is RoundStatus.IN_PROGRESS
        return (
            under_way
            and self._context.services.plan.replans is not None
            and allows(self._context.actor, Permission.PLAN_ROUND)
        )

    def _on_table_selection_changed(self, *_args: object) -> None:
        stop = self.selected_stop()
        self.start_button.setEnabled(
            stop is not None and (stop.workable or stop.visit_id is not None)
        )
        if stop is not None and stop.approval == StopApproval.PENDING:
            self.message.setText(translate("today.awaiting_approval", self._lang))

    def _on_replan_button_clicked(self) -> None:
        from fieldvisit.ui.plan.replan_dialog import ReplanDialog

        services, today = self._context.services, self._round
        replans = services.plan.replans
        if today is None or replans is None:
            return
        dialog = ReplanDialog(
            replans,
            services.eligibility,
            self._context.actor,
            today,
            services.clock().date(),
            self._lang,
            self._context.tasks,
            self._context.errors.report,
            services.plan.solver,
            budget=self.replan_budget,
            parent=self,
        )
        dialog.applied.connect(self._on_replanned)
        self.replan_dialog = dialog
        dialog.open()

    def _on_replanned(self, _saved: object) -> None:
        self.message.setText(translate("replan.applied", self._lang))
        self.refresh()

    def _on_start_button_clicked(self) -> None:
        stop = self.selected_stop()
        if stop is None:
            return
        self._started = stop
        field, actor = self._context.services.field, self._context.actor

        def work(_progress: object) -> tuple[int, Any]:
            visit_id = field.today.start(actor, stop.stop_id)
            return visit_id, field.risks.assessment(stop.address_id)

        self._context.tasks.submit(work, self._on_visit_started, self._on_task_failed)

    def _on_visit_started(self, started: tuple[int, Any]) -> None:
        from fieldvisit.ui.field.checkin_panel import CheckInPanel

        visit_id, assessment = started
        field = self._context.services.field
        for old in self.panel_host.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            old.deleteLater()
        panel = CheckInPanel(
            field.client,
            field.status,
            self._context.actor,
            visit_id,
            self._lang,
            self._context.services.clock,
            runner=self._context.tasks,
            assessment=assessment,
            zone=self._round.timezone if self._round else "UTC",
            case_label=f"{self._started.case_number}  {self._started.address}"
            if self._started
            else "",
            currency=self._started.currency if self._started else None,
        )
        # The list follows what the panel does: "in progress" at check-in, "done" at check-out.
        panel.checked_in.connect(self._on_panel_changed)
        panel.checked_out.connect(self._on_panel_changed)
        self.panel_layout.addWidget(panel)
        self.current_panel = panel
        self.refresh()

    def _on_panel_changed(self, _delivery: object) -> None:
        self.refresh()

    def _on_task_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self.message.setText(render(error.message, self._lang))
        else:
            self._context.errors.report(error)
