"""The safety board screen: polls the board, beeps and notifies on a new alarm, answers alarms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.field.board import BoardRow, BoardSnapshot, SafetyBoard
from fieldvisit.services.field.notify_channels import PushHub
from fieldvisit.services.field.notify_health import WatcherHealth
from fieldvisit.services.field.notify_log import DeliveryLog
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.ui.field.board_deliveries import DeliveryPanel
from fieldvisit.ui.field.board_model import SafetyBoardModel
from fieldvisit.ui.field.board_outages import OutagesBar
from fieldvisit.ui.tasks import TaskRunner

MAX_POLL_MS = 5000  # a missed check-out shows on every manager's machine within seconds


class SafetyBoardWidget(QWidget):
    """Standalone: give it the board and response services and the signed-in dispatcher."""

    alarm_raised = Signal(object)  # the new alarm keys of this refresh
    watcher_went_silent = Signal()
    refreshed = Signal(object)  # the BoardSnapshot
    pushed = Signal(object)  # an AlarmNotice from the notifier, possibly from another thread

    def __init__(
        self,
        board: SafetyBoard,
        response: SafetyResponse,
        actor: Actor,
        lang: str,
        runner: TaskRunner | None = None,
        poll_ms: int = MAX_POLL_MS,
        zone: str | None = None,  # None: the viewer's team's, from each board snapshot
        parent: QWidget | None = None,
        *,
        deliveries: DeliveryLog | None = None,
        hub: PushHub | None = None,
        health: WatcherHealth | None = None,
    ) -> None:
        super().__init__(parent)
        # UTC only until the first snapshot (loaded at once by start) names the team's zone.
        self._zone = ZoneInfo(zone or "UTC")
        self._fixed_zone = zone is not None
        self.deliveries = (
            DeliveryPanel(deliveries, actor, lang, self._zone, runner, self) if deliveries else None
        )
        self.outages = OutagesBar(health, actor, lang, self._zone, runner, self) if health else None
        self._board, self._response, self._actor, self._lang = board, response, actor, lang
        self._runner = runner
        self._seen: frozenset[tuple[int, str, int]] | None = None
        self._watcher_was_silent = False
        self.snapshot: BoardSnapshot | None = None
        self.tray: QSystemTrayIcon | None = None
        self.model = SafetyBoardModel(lang)
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(min(poll_ms, MAX_POLL_MS))
        self.timer.timeout.connect(self._on_timer_timeout)
        # A push from the in-app watcher refreshes at once instead of at the next poll; the
        # signal crosses from the watcher's thread to this one safely.
        self.pushed.connect(self._on_pushed)
        self._unsubscribe = hub.subscribe(self._on_hub_notice) if hub is not None else None
        if self._unsubscribe is not None:
            unsubscribe = self._unsubscribe  # touches no widget: safe while the widget dies
            self.destroyed.connect(lambda *_args: unsubscribe())

    def _on_hub_notice(self, notice: object, _address: str) -> None:
        self.pushed.emit(notice)

    def _on_pushed(self, _notice: object) -> None:
        self.refresh()

    def _build(self) -> None:
        self.watcher_label = QLabel(self)
        self.watcher_label.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.instructions = QLabel(self)
        self.instructions.setWordWrap(True)
        self.notices = QLabel(self)
        self.notices.setWordWrap(True)
        self.ack_button = QPushButton(translate("safety.board.acknowledge", self._lang), self)
        self.resolve_button = QPushButton(translate("safety.board.resolve", self._lang), self)
        self.cancel_button = QPushButton(translate("safety.board.cancel_alarm", self._lang), self)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        self.resolve_button.clicked.connect(self._on_resolve_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        buttons = QHBoxLayout()
        for button in (self.ack_button, self.resolve_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.watcher_label)
        if self.outages is not None:
            layout.addWidget(self.outages)
        for widget in (self.table, self.instructions):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        if self.deliveries is not None:
            layout.addWidget(self.deliveries)
        layout.addWidget(self.notices)
        self._update_buttons()

    def start(self) -> None:
        """Refresh now and then every few seconds."""
        if QSystemTrayIcon.isSystemTrayAvailable() and self.tray is None:
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.show()
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def refresh(self) -> None:
        """One task per refresh: the board, and the delivery log and watcher outages with it."""
        selected = self.selected_row()
        session_id = selected.session_id if selected else None

        def load() -> tuple[BoardSnapshot, int | None, Any, Any]:
            snapshot = self._board.snapshot(self._actor)
            log = self.deliveries.fetch(session_id) if self.deliveries else None
            outages = self.outages.fetch() if self.outages else None
            return snapshot, session_id, log, outages

        self._run(load, self._on_loaded)

    def _on_loaded(self, loaded: tuple[BoardSnapshot, int | None, Any, Any]) -> None:
        snapshot, session_id, log, outages = loaded
        self._on_snapshot_loaded(snapshot)
        # Unless another session was selected while this loaded: its own load shows that one.
        if self.deliveries is not None and self.deliveries.session_id == session_id:
            self.deliveries.show_steps(log or (), session_id)
        if self.outages is not None:
            self.outages.show_outages(outages or [])

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self._runner is None:
            try:
                done(work())
            except FieldVisitError as exc:
                self._show_error(exc)
            return
        self._runner.submit(lambda _progress: work(), done, self._on_task_failed)

    def _on_timer_timeout(self) -> None:
        self.refresh()

    def _on_task_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self._show_error(error)

    def _show_error(self, error: FieldVisitError) -> None:
        self.instructions.setText(render(error.message, self._lang))

    def _on_snapshot_loaded(self, snapshot: BoardSnapshot) -> None:
        self.snapshot = snapshot
        if not self._fixed_zone:
            self._set_zone(ZoneInfo(snapshot.zone))
        selected = self.selected_row()
        self.model.set_rows(snapshot.rows, snapshot.at)
        self._reselect(selected.session_id if selected else None)
        self._show_watcher(snapshot)
        self._show_notices(snapshot)
        new = snapshot.alarm_keys - (self._seen or frozenset())
        if self._seen is not None and new:
            self._announce(translate("safety.board.new_alarm", self._lang, count=len(new)))
            self.alarm_raised.emit(sorted(new))
        self._seen = snapshot.alarm_keys
        self.refreshed.emit(snapshot)

    def _announce(self, text: str) -> None:
        QApplication.beep()
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            title = translate("safety.board.title", self._lang)
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Critical)

    def _set_zone(self, zone: ZoneInfo) -> None:
        self._zone = zone
        for part in (self.deliveries, self.outages):
            if part is not None:
                part.zone = zone

    def _show_watcher(self, snapshot: BoardSnapshot) -> None:
        status = snapshot.watcher
        beat = status.last_beat
        at = beat.astimezone(self._zone).strftime("%H:%M:%S") if beat else "—"
        if status.silent:
            self.watcher_label.setText(translate("safety.board.watcher_silent", self._lang, at=at))
            self.watcher_label.setStyleSheet("background:#dc3545;color:white;padding:6px;")
            if not self._watcher_was_silent:
                self._announce(self.watcher_label.text())
                self.watcher_went_silent.emit()
        else:
            self.watcher_label.setText(translate("safety.board.watcher_ok", self._lang, at=at))
            self.watcher_label.setStyleSheet("color:#198754;padding:6px;")
        self._watcher_was_silent = status.silent

    def _show_notices(self, snapshot: BoardSnapshot) -> None:
        lines = [
            translate(
                "safety.board.stand_down",
                self._lang,
                session=n.session_id,
                alarm=translate(f"safety.alarm.{n.alarm}", self._lang),
                notified="、".join(
                    translate(f"safety.audience.{a}", self._lang) for a in n.notified
                ),
            )
            for n in snapshot.notices
        ]
        self.notices.setText("\n".join(lines))

    def selected_row(self) -> BoardRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _reselect(self, session_id: int | None) -> None:
        for number in range(self.model.rowCount()):
            row = self.model.row_at(number)
            if row is not None and row.session_id == session_id:
                self.table.selectRow(number)
                return
        self._update_buttons()

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()
        self._show_deliveries()

    def _show_deliveries(self) -> None:
        if self.deliveries is not None:
            self.deliveries.show_session(self._selected_session())

    def _selected_session(self) -> int | None:
        row = self.selected_row()
        return row.session_id if row else None

    def _update_buttons(self) -> None:
        row = self.selected_row()
        alarm = row.alarms[0] if row and row.alarms else None
        self.ack_button.setEnabled(alarm is not None and alarm.acknowledged_by is None)
        self.resolve_button.setEnabled(alarm is not None and alarm.acknowledged_by is not None)
        self.cancel_button.setEnabled(alarm is not None)
        self.instructions.setText(translate(alarm.instructions, self._lang) if alarm else "")

    def _on_ack_button_clicked(self) -> None:
        row = self.selected_row()
        if row and row.alarms:
            kind = row.alarms[0].kind
            self._act(lambda: self._response.acknowledge(self._actor, row.session_id, kind))

    def _on_resolve_button_clicked(self) -> None:
        self._close_alarm(self._response.resolve, "safety.board.resolve_note")

    def _on_cancel_button_clicked(self) -> None:
        self._close_alarm(self._response.cancel, "safety.board.cancel_note")

    def _close_alarm(self, action: Callable[..., None], prompt: str) -> None:
        row = self.selected_row()
        if not row or not row.alarms:
            return
        note, ok = QInputDialog.getMultiLineText(
            self, translate("safety.board.title", self._lang), translate(prompt, self._lang)
        )
        if ok:
            kind = row.alarms[0].kind
            self._act(lambda: action(self._actor, row.session_id, kind, note))

    def _act(self, work: Callable[[], None]) -> None:
        self._run(work, lambda _result: self.refresh())
