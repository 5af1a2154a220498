"""The SOS button: hold it 2 s to send at once, or tap it and let a cancellable 5 s count run."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from fieldvisit.i18n import translate

HOLD_MS = 2000
COUNTDOWN_S = 5


class SosControl(QWidget):
    """Two ways to confirm, so a pocket press never raises an alarm by accident."""

    confirmed = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.remaining = 0
        self.button = QPushButton(translate("safety.sos.button", lang), self)
        self.button.setStyleSheet(
            "background:#dc3545;color:white;font-size:20px;font-weight:bold;padding:12px;"
        )
        self.cancel_button = QPushButton(translate("safety.sos.cancel", lang), self)
        self.cancel_button.hide()
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.setInterval(HOLD_MS)
        self.count = QTimer(self)
        self.count.setInterval(1000)
        self.button.pressed.connect(self._on_button_pressed)
        self.button.released.connect(self._on_button_released)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.hold.timeout.connect(self._on_hold_timeout)
        self.count.timeout.connect(self._on_count_timeout)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 1)
        layout.addWidget(self.cancel_button)

    def _on_button_pressed(self) -> None:
        if not self.count.isActive():
            self.hold.start()

    def _on_button_released(self) -> None:
        if self.hold.isActive():
            # A tap: start the countdown the crew can still cancel.
            self.hold.stop()
            self.remaining = COUNTDOWN_S
            self.count.start()
            self._show_count()

    def _on_hold_timeout(self) -> None:
        self._fire()

    def _on_count_timeout(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self._fire()
        else:
            self._show_count()

    def _show_count(self) -> None:
        self.button.setText(translate("safety.sos.counting", self._lang, seconds=self.remaining))
        self.cancel_button.show()

    def _on_cancel_button_clicked(self) -> None:
        self.count.stop()
        self._reset()

    def _reset(self) -> None:
        self.remaining = 0
        self.cancel_button.hide()
        self.button.setText(translate("safety.sos.button", self._lang))

    def _fire(self) -> None:
        self.count.stop()
        self._reset()
        self.button.setText(translate("safety.sos.sent", self._lang))
        self.confirmed.emit()
