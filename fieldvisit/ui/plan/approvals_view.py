"""The manager's approvals: submitted rounds, each exception with rule and source, decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import RoundStatus, StopApproval
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.map_projection import MapStop
from fieldvisit.i18n import decision_reason, render, rule_name, translate
from fieldvisit.services.planning.review import RoundDetail, StopDetail, StopException
from fieldvisit.services.planning.rounds import RoundService, RoundSummary, SavedRound
from fieldvisit.ui.maps.route_map import PlanMap
from fieldvisit.ui.plan.models import Column, TableModel
from fieldvisit.ui.tasks import TaskRunner


def _when(value: Any) -> str:
    # The desktop's own time zone: the manager reads when something happened, where they are.
    return "—" if value is None else value.astimezone().strftime("%m-%d %H:%M")


class QueueModel(TableModel[RoundSummary]):
    COLUMNS: tuple[Column, ...] = (
        ("approvals.col.round", lambda r, lang: str(r.round_id)),
        ("approvals.col.crew", lambda r, lang: r.crew_name),
        ("approvals.col.date", lambda r, lang: r.plan_date.isoformat()),
        # "In progress": a re-plan of a day under way added exceptions (only those are decided).
        (
            "approvals.col.status",
            lambda r, lang: translate(f"plan_ui.round_status.{r.status.value}", lang),
        ),
        ("approvals.col.stops", lambda r, lang: str(r.stops)),
        ("approvals.col.exceptions", lambda r, lang: str(r.exceptions)),
        ("approvals.col.submitted", lambda r, lang: _when(r.submitted_at)),
    )


@dataclass(frozen=True)
class ExceptionRow:
    stop: StopDetail
    exception: StopException
    zone: str  # the crew's time zone: times show as the crew will live them


class ExceptionsModel(TableModel[ExceptionRow]):
    """Every rule a stop of the round breaks (those needing approval first)."""

    COLUMNS: tuple[Column, ...] = (
        ("approvals.col.seq", lambda r, lang: str(r.stop.seq)),
        ("approvals.col.case", lambda r, lang: r.stop.case_number),
        ("approvals.col.time", lambda r, lang: _span(r.stop, r.zone)),
        ("approvals.col.rule", lambda r, lang: rule_name(r.exception.rule, lang)),
        (
            "approvals.col.severity",
            lambda r, lang: translate(f"compliance.severity.{r.exception.severity}", lang),
        ),
        ("approvals.col.message", lambda r, lang: render(r.exception.message, lang)),
        ("approvals.col.source", lambda r, lang: r.exception.source.text(lang)),
    )

    def tooltip(self, row: ExceptionRow) -> str | None:
        return self.COLUMNS[5][1](row, self.lang) + "\n" + row.exception.source.text(self.lang)


def history_lines(detail: RoundDetail, lang: str) -> list[str]:
    """The decisions on a round, in the crew's time zone (named once, in the heading)."""
    zone = ZoneInfo(detail.timezone)
    head = translate("approvals.history_zone", lang, zone=detail.timezone)
    return [head] + [
        translate(
            "approvals.history_line",
            lang,
            at=d.decided_at.astimezone(zone).strftime("%m-%d %H:%M"),
            by=d.decided_by,
            decision=translate(f"records.decision.{d.decision}", lang),
            reason=decision_reason(d.reason, lang),
        )
        for d in detail.decisions
    ]


def _span(stop: StopDetail, zone: str) -> str:
    if stop.start is None or stop.end is None:
        return "—"
    tz = ZoneInfo(zone)
    return f"{stop.start.astimezone(tz):%H:%M}–{stop.end.astimezone(tz):%H:%M}"


def _to_decide(detail: RoundDetail | None, stop: StopDetail) -> bool:
    """Every exception of a submitted round; of a round under way, those awaiting a decision."""
    if detail is not None and detail.status is RoundStatus.IN_PROGRESS:
        return stop.approval == StopApproval.PENDING
    return stop.status == "needs_approval"


def exception_rows(detail: RoundDetail) -> list[ExceptionRow]:
    under_way = detail.status is RoundStatus.IN_PROGRESS
    rows = [
        ExceptionRow(s, e, detail.timezone)
        for s in detail.stops
        if not under_way or _to_decide(detail, s)
        for e in s.exceptions
    ]
    return sorted(rows, key=lambda r: (r.exception.severity != "approve", r.stop.seq))


class ApprovalsView(QWidget):
    """Standalone: give it the round service, the signed-in manager, language and TaskRunner."""

    decided = Signal(object)  # SavedRound
    detail_shown = Signal(object)  # RoundDetail

    def __init__(
        self,
        rounds: RoundService,
        actor: Actor,
        lang: str,
        tasks: TaskRunner,
        *,
        report_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._rounds, self._actor, self.lang, self._tasks = rounds, actor, lang, tasks
        self._report = report_error
        self.detail: RoundDetail | None = None
        self._build()
        self.retranslate(lang)
        self.refresh()

    def _build(self) -> None:
        self.queue_model = QueueModel(self.lang, self)
        self.exceptions_model = ExceptionsModel(self.lang, self)
        self.queue_view = self._table(self.queue_model)
        self.exceptions_view = self._table(self.exceptions_model)
        wide = self.exceptions_view.horizontalHeader()
        for column in (5, 6):  # message and source wrap instead of scrolling sideways
            wide.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.refresh_button = QPushButton(self)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: bold;")
        self.heading, self.history, self.message = QLabel(self), QLabel(self), QLabel(self)
        for label in (self.heading, self.history, self.message):
            label.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.approve_button, self.reject_button = QPushButton(self), QPushButton(self)
        self.map = PlanMap(self)
        self._lay_out()
        self.queue_view.selectionModel().currentRowChanged.connect(self._on_queue_row_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.approve_button.clicked.connect(self._on_approve_clicked)
        self.reject_button.clicked.connect(self._on_reject_clicked)
        self._enable()

    def _lay_out(self) -> None:
        decide = QHBoxLayout()
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.approve_button)
        decide.addWidget(self.reject_button)
        detail = QWidget(self)
        box = QVBoxLayout(detail)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.heading, self.exceptions_view, self.history):
            box.addWidget(widget)
        box.addLayout(decide)
        box.setStretch(1, 1)
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(detail)
        lower.addWidget(self.map)
        lower.setSizes([820, 480])
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.queue_view)
        splitter.addWidget(lower)
        splitter.setSizes([160, 660])
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def _table(self, model: QueueModel | ExceptionsModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.setWordWrap(True)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return view

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.refresh_button.setText(translate("approvals.refresh", lang))
        self.reason.setPlaceholderText(translate("approvals.reason", lang))
        self.approve_button.setText(translate("approvals.approve", lang))
        self.reject_button.setText(translate("approvals.reject", lang))
        self.queue_model.retranslate(lang)
        self.exceptions_model.retranslate(lang)
        self.setWindowTitle(translate("approvals.title", lang))
        self.title.setText(translate("approvals.title", lang))
        self.map.set_texts(translate("plan_ui.map_empty", lang), translate("sheet.base", lang))
        self._show_detail(self.detail)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The queue is loaded again whenever the screen is shown: rounds arrive meanwhile."""
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        rounds, actor = self._rounds, self._actor
        self._tasks.submit(lambda _p: rounds.queue(actor), self._on_queue_loaded, self._on_failed)

    def select_round(self, round_id: int) -> None:
        for row, summary in enumerate(self.queue_model.rows):
            if summary.round_id == round_id:
                self.queue_view.selectRow(row)

    def _on_queue_loaded(self, rows: list[RoundSummary]) -> None:
        current = self.detail.round_id if self.detail else None
        self.queue_model.set_rows(rows)
        if not rows:
            self._show_detail(None)
            self.heading.setText(translate("approvals.empty", self.lang))
        elif current is not None and any(r.round_id == current for r in rows):
            self.select_round(current)
        else:
            self.queue_view.selectRow(0)

    def _on_queue_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        round_id = self.queue_model.rows[current.row()].round_id
        rounds, actor = self._rounds, self._actor
        self._tasks.submit(
            lambda _p: rounds.detail(actor, round_id), self._on_detail_loaded, self._on_failed
        )

    def _on_detail_loaded(self, detail: RoundDetail) -> None:
        self._show_detail(detail)
        self.detail_shown.emit(detail)

    def _show_detail(self, detail: RoundDetail | None) -> None:
        self.detail = detail
        self.exceptions_model.set_rows(exception_rows(detail) if detail else [])
        self.exceptions_view.resizeRowsToContents()
        self._enable()
        self._show_map(detail)
        if detail is None:
            self.heading.setText("")
            self.history.setText("")
            return
        heading = translate(
            "approvals.detail",
            self.lang,
            round=detail.round_id,
            crew=detail.crew_name,
            date=detail.plan_date.isoformat(),
            version=detail.version,
            profile=detail.rule_profile,
            ruleset=detail.ruleset_version,
        )
        if detail.status is RoundStatus.IN_PROGRESS:
            heading += "\n" + translate("approvals.replanned", self.lang)
        elif not detail.exceptions:
            heading += "\n" + translate("approvals.no_exceptions", self.lang)
        self.heading.setText(heading)
        lines = history_lines(detail, self.lang) if detail.decisions else []
        self.history.setText("\n".join(lines))

    def _show_map(self, detail: RoundDetail | None) -> None:
        stops = [] if detail is None else detail.stops
        self.map.set_route(
            [
                MapStop(s.lat, s.lon, s.case_number, _to_decide(detail, s))
                for s in stops
                if s.lat is not None and s.lon is not None
            ],
            detail.base if detail else None,
        )

    def _enable(self) -> None:
        for widget in (self.approve_button, self.reject_button, self.reason):
            widget.setEnabled(self.detail is not None)

    def _on_approve_clicked(self) -> None:
        self._decide(self._rounds.approve, "approvals.approved")

    def _on_reject_clicked(self) -> None:
        self._decide(self._rounds.reject, "approvals.rejected")

    def _decide(self, decide: Callable[[Actor, int, str], SavedRound], done_id: str) -> None:
        # The service checks the reason and who may decide; its refusal is shown as it says.
        if self.detail is None:
            return
        round_id, reason, actor = self.detail.round_id, self.reason.text(), self._actor

        def on_done(saved: SavedRound) -> None:
            self.show_message(translate(done_id, self.lang, round=saved.round_id))
            self.reason.clear()
            self.detail = None
            self.decided.emit(saved)
            self.refresh()

        self._tasks.submit(lambda _p: decide(actor, round_id, reason), on_done, self._on_failed)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self.show_message(render(error.message, self.lang), error=True)
        elif self._report is not None:
            self._report(error)
        else:
            raise error
