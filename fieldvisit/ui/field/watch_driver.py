"""Runs the safety watcher inside the desktop app (single-machine SQLite mode) on a timer."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from fieldvisit.services.field.watch import DEFAULT_INTERVAL, SafetyWatcher, WatchReport
from fieldvisit.ui.tasks import TaskRunner


class WatcherDriver(QObject):
    """Each tick submits one watcher pass to the app's single database worker, so the watcher
    never writes at the same time as a screen; a pass still running skips the next tick."""

    passed = Signal(object)  # WatchReport

    def __init__(
        self,
        watcher: SafetyWatcher,
        runner: TaskRunner,
        interval_s: float = DEFAULT_INTERVAL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self._runner = runner
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._on_timer_timeout()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def retire(self) -> None:
        """After the database worker has stopped: a closed app leaves no beat to go stale, so
        watcher health pages nobody for a normal exit (a crash still does)."""
        try:
            self._watcher.retire()
        except Exception:  # closing must not fail because the database went away first
            logging.getLogger(__name__).warning("could not retire the watcher", exc_info=True)

    def _on_timer_timeout(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._runner.submit(
            lambda _progress: self._watcher.run_once(), self._on_pass_done, self._on_pass_failed
        )

    def _on_pass_done(self, report: WatchReport) -> None:
        self._busy = False
        self.passed.emit(report)

    def _on_pass_failed(self, _error: BaseException) -> None:
        # A pass that failed (database briefly locked) is simply retried on the next tick.
        self._busy = False
