"""On the Safety board: watchers that went silent, until the safety lead acknowledges them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.field.notify_health import NO_WATCHER, WatcherHealth, WatcherOutage
from fieldvisit.ui.tasks import TaskRunner


class OutagesBar(QWidget):
    """Hidden while there is nothing to acknowledge; one outage at a time, oldest first."""

    def __init__(
        self,
        health: WatcherHealth,
        actor: Actor,
        lang: str,
        zone: ZoneInfo,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._health, self._actor, self._lang, self.zone = health, actor, lang, zone
        self._runner = runner
        self.outages: list[WatcherOutage] = []
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.ack_button = QPushButton(translate("notify.board.ack_outage", lang), self)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.ack_button)
        self.setStyleSheet("QLabel{background:#fff3cd;color:#664d03;padding:6px;}")
        self.setVisible(False)

    def fetch(self) -> list[WatcherOutage]:
        """On the worker thread, with the board's own refresh."""
        return self._health.outages(self._actor)

    def reload(self) -> None:
        self._run(self.fetch, self.show_outages)

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self._runner is None:
            try:
                done(work())
            except FieldVisitError as exc:
                self.label.setText(render(exc.message, self._lang))
            return
        self._runner.submit(lambda _progress: work(), done, lambda _error: None)

    def show_outages(self, outages: list[WatcherOutage]) -> None:
        self.outages = sorted(outages, key=lambda o: o.raised_at)
        if not self.outages:
            self.setVisible(False)
            return
        first = self.outages[0]
        at = first.last_beat_at.astimezone(self.zone).strftime("%H:%M:%S")
        # "*" is every watcher falling silent at once (the team server's check), not one of them.
        key = "notify.board.outage_all" if first.watcher_id == NO_WATCHER else "notify.board.outage"
        key += "_over" if first.recovered_at else ""
        text = translate(key, self._lang, watcher=first.watcher_id, at=at)
        if len(self.outages) > 1:
            text += " " + translate("notify.board.more", self._lang, count=len(self.outages) - 1)
        self.label.setText(text)
        self.setVisible(True)

    def _on_ack_button_clicked(self) -> None:
        if self.outages:
            outage_id = self.outages[0].id
            self._run(lambda: self._health.acknowledge(self._actor, outage_id), self._on_acked)

    def _on_acked(self, _result: object) -> None:
        self.reload()
