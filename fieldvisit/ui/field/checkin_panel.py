"""The crew's visit screen: check in, countdown, extend, SOS (hold or 5 s countdown), check out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.field.client import Delivery, FieldClient
from fieldvisit.services.field.risk_register import RiskAssessment
from fieldvisit.services.field.status import CrewSession, SafetyStatus
from fieldvisit.services.field.visits import CheckIn, Position
from fieldvisit.ui.field.checkin_sos import SosControl
from fieldvisit.ui.field.checkout_dialog import CheckoutDialog
from fieldvisit.ui.tasks import TaskRunner

LENGTHS = (None, 15, 30, 60, 120, 240)
STATUS_POLL_MS = 5000
OFFLINE_STYLE = "background:#dc3545;color:white;padding:8px;font-weight:bold;"
ALARM_STYLE = "background:#b00020;color:white;padding:12px;font-size:20px;font-weight:bold;"


class CheckInPanel(QWidget):
    """One visit's safety screen for the crew; the app passes the services and the visit."""

    checked_in = Signal(object)
    checked_out = Signal(object)

    def __init__(
        self,
        client: FieldClient,
        status: SafetyStatus,
        actor: Actor,
        visit_id: int,
        lang: str,
        clock: Clock,
        *,
        zone: str,  # the crew's team zone: the Today screen passes its round's
        case_label: str = "",  # the case number and address, named on the check-out dialog
        currency: str | None = None,  # the case's ISO 4217 code, shown with the amounts
        runner: TaskRunner | None = None,
        position: Callable[[], Position | None] = lambda: None,
        assessment: RiskAssessment | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._client, self._status, self._actor = client, status, actor
        self._visit_id, self._lang, self._clock = visit_id, lang, clock
        self._runner, self._position, self._zone = runner, position, ZoneInfo(zone)
        self.case_label = case_label
        self.currency = currency
        self.session_id: int | None = None
        self.expected_end: datetime | None = None
        self.dialog_factory: Callable[[], CheckoutDialog] = self._new_dialog
        self._build()
        self.risk_label.setText(self._risk_text(assessment) if assessment else "")
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._on_ticker_timeout)
        self.poller = QTimer(self)
        self.poller.setInterval(STATUS_POLL_MS)
        self.poller.timeout.connect(self._on_poller_timeout)

    def _build(self) -> None:
        t = self._tr
        self.length = QComboBox(self)
        for minutes in LENGTHS:
            label = (
                t("safety.checkin.tier_default")
                if minutes is None
                else t("safety.checkin.minutes", minutes=minutes)
            )
            self.length.addItem(label, minutes)
        self.check_in_button = QPushButton(t("safety.checkin.check_in"), self)
        self.risk_label = QLabel(self)
        self.risk_label.setWordWrap(True)
        self.countdown = QLabel(t("safety.checkin.not_started"), self)
        self.countdown.setStyleSheet("font-size:28px;font-weight:bold;")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        # An open alarm is the loudest thing on the crew's screen: a red band, not a footnote.
        self.alarm_banner = QLabel(self)
        self.alarm_banner.setWordWrap(True)
        self.alarm_banner.setStyleSheet(ALARM_STYLE)
        self.alarm_banner.hide()
        self.offline_label = QLabel(self)
        self.offline_label.setWordWrap(True)
        self.offline_label.setStyleSheet(OFFLINE_STYLE)
        self.offline_label.hide()
        self.retry_button = QPushButton(t("safety.checkin.retry"), self)
        self.retry_button.hide()
        self.extend_button = QPushButton(t("safety.checkin.extend"), self)
        self.check_out_button = QPushButton(t("safety.checkin.check_out"), self)
        self.sos = SosControl(self._lang, self)
        self._connect()
        self._lay_out()
        self._set_running(False)

    def _connect(self) -> None:
        self.check_in_button.clicked.connect(self._on_check_in_button_clicked)
        self.extend_button.clicked.connect(self._on_extend_button_clicked)
        self.check_out_button.clicked.connect(self._on_check_out_button_clicked)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.sos.confirmed.connect(self._on_sos_confirmed)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.length)
        top.addWidget(self.check_in_button)
        actions = QHBoxLayout()
        for widget in (self.extend_button, self.check_out_button):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.risk_label)
        layout.addLayout(top)
        rows: tuple[QWidget, ...] = (
            self.alarm_banner,
            self.countdown,
            self.status_label,
            self.offline_label,
            self.retry_button,
        )
        for row in rows:
            layout.addWidget(row)
        layout.addLayout(actions)
        layout.addWidget(self.sos)

    def _risk_text(self, found: RiskAssessment) -> str:
        """Tier, rules and the pre-visit checklist; authors' own items are shown as written."""
        lines = [self._tr("safety.checkin.risk", tier=self._tr(f"safety.tier.{found.tier.value}"))]
        if found.daylight_only:
            lines.append(self._tr("safety.checkin.daylight_only"))
        if found.two_person:
            lines.append(self._tr("safety.checkin.two_person"))
        if found.checklist:
            lines.append(self._tr("safety.checkin.checklist"))
            for item in found.checklist:
                lines.append("☐ " + (self._tr(item) if item.startswith("safety.") else item))
        return "\n".join(lines)

    def _tr(self, message_id: str, **params: Any) -> str:
        return translate(message_id, self._lang, **params)

    def _set_running(self, running: bool) -> None:
        self.length.setEnabled(not running)
        self.check_in_button.setEnabled(not running)
        self.extend_button.setEnabled(running and self.session_id is not None)
        self.check_out_button.setEnabled(running)
        self.sos.setEnabled(running and self.session_id is not None)

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self._runner is None:
            try:
                done(work())
            except FieldVisitError as exc:
                self._on_task_failed(exc)
            return
        self._runner.submit(lambda _progress: work(), done, self._on_task_failed)

    def _on_task_failed(self, error: BaseException) -> None:
        if not isinstance(error, FieldVisitError):
            raise error
        if error.message.id == "safety.error.check_in_reason_required":
            reason = self.ask_reason()
            if reason:
                self._check_in(reason)
                return
        self.status_label.setText(render(error.message, self._lang))

    def ask_reason(self) -> str | None:
        """The crew's reason for a check-in the rules allow only with one (None: cancelled)."""
        text, ok = QInputDialog.getText(
            self, self._tr("safety.checkin.reason_title"), self._tr("safety.checkin.reason_prompt")
        )
        return text.strip() if ok and text.strip() else None

    def _on_check_in_button_clicked(self) -> None:
        self._check_in(None)

    def _check_in(self, reason: str | None) -> None:
        request = CheckIn(
            self._visit_id, self._position(), minutes=self.length.currentData(), reason=reason
        )
        self._run(lambda: self._client.check_in(self._actor, request), self._on_check_in_done)

    def _on_check_in_done(self, delivery: Delivery) -> None:
        if delivery.session is not None:
            self.session_id = delivery.session.session_id
            self.expected_end = delivery.session.expected_end
            self.poller.start()
        self._show_delivery(delivery, "safety.checkin.offline_check_in")
        self._set_running(True)
        self.ticker.start()
        self._on_ticker_timeout()
        self.checked_in.emit(delivery)

    def _show_delivery(self, delivery: Delivery, offline_key: str) -> None:
        self.offline_label.setVisible(not delivery.delivered)
        self.retry_button.setVisible(not delivery.delivered)
        if not delivery.delivered:
            self.offline_label.setText(self._tr(offline_key))

    def _on_ticker_timeout(self) -> None:
        if self.expected_end is None:
            self.countdown.setText(self._tr("safety.checkin.unknown_due"))
            return
        seconds = int((self.expected_end - self._clock()).total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        text = f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        self.countdown.setText(text)
        self.countdown.setStyleSheet(
            "font-size:28px;font-weight:bold;" + ("color:#dc3545;" if sign else "")
        )

    def _on_extend_button_clicked(self) -> None:
        if self.session_id is not None:
            session_id = self.session_id
            self._run(lambda: self._client.extend(self._actor, session_id), self._on_extended)

    def _on_extended(self, delivery: Delivery) -> None:
        if delivery.session is None:
            self.status_label.setText(self._tr("safety.checkin.offline_phone"))
            return
        self.expected_end = delivery.session.expected_end
        self._on_ticker_timeout()

    def _on_sos_confirmed(self) -> None:
        if self.session_id is None:
            return
        session_id, where = self.session_id, self._position()
        self._run(lambda: self._client.sos(self._actor, session_id, where), self._on_sos_sent)

    def _on_sos_sent(self, delivery: Delivery) -> None:
        key = "safety.checkin.sos_sent" if delivery.delivered else "safety.checkin.sos_offline"
        self.status_label.setText(self._tr(key))

    def _new_dialog(self) -> CheckoutDialog:
        today = self._clock().astimezone(self._zone).date()
        return CheckoutDialog(
            self._visit_id, today, self._lang, self,
            currency=self.currency, case_label=self.case_label,
        )  # fmt: skip

    def _on_check_out_button_clicked(self) -> None:
        dialog = self.dialog_factory()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.submit_check_out(dialog)

    def submit_check_out(self, dialog: CheckoutDialog) -> None:
        request = dialog.request()
        self._run(lambda: self._client.check_out(self._actor, request), self._on_check_out_done)

    def _on_check_out_done(self, delivery: Delivery) -> None:
        self.ticker.stop()
        self.poller.stop()
        self._set_running(False)
        self.check_in_button.setEnabled(False)
        at = delivery.result.checked_out_at if delivery.result else self._clock()
        local = at.astimezone(self._zone).strftime("%H:%M")
        self.countdown.setText(self._tr("safety.checkin.checked_out", at=local))
        self.status_label.clear()
        self._show_delivery(delivery, "safety.checkin.offline_check_out")
        self.checked_out.emit(delivery)

    def _on_retry_button_clicked(self) -> None:
        self._run(self._client.flush, self._on_flushed)

    def _on_flushed(self, report: Any) -> None:
        delivered = report.remaining == 0
        self.offline_label.setVisible(not delivered)
        self.retry_button.setVisible(not delivered)
        if delivered:
            self.status_label.setText(self._tr("safety.checkin.delivered", count=report.sent))

    def _on_poller_timeout(self) -> None:
        if self.session_id is not None:
            session_id = self.session_id
            self._run(lambda: self._status.session(self._actor, session_id), self.show_status)

    def show_status(self, seen: CrewSession) -> None:
        """Only alarms the crew may see: a duress alarm never appears here."""
        self.expected_end = seen.expected_end
        lines = []
        for alarm in seen.alarms:
            kind = self._tr(f"safety.alarm.{alarm.kind.value}")
            if alarm.acknowledged_by:
                lines.append(
                    self._tr("safety.checkin.acknowledged", kind=kind, by=alarm.acknowledged_by)
                )
            else:
                lines.append(self._tr("safety.checkin.alarm_open", kind=kind))
        was_shown = self.alarm_banner.isVisibleTo(self)
        self.alarm_banner.setText("\n".join(lines))
        self.alarm_banner.setVisible(bool(lines))
        if lines and not was_shown:
            QApplication.beep()  # where the platform has a sound; the colour is always there
        self.status_label.clear()

    def refresh_status(self) -> None:
        self._on_poller_timeout()
