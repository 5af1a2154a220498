"""One optimisation at a time in the background: progress bar, Cancel, and how it ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar

from fieldvisit.i18n import translate
from fieldvisit.ui.tasks import Progress, Task, TaskRunner


class OptimiseRun(QObject):
    """Runs an optimisation task, shows its progress, cancels it, and says how it ended.

    ``ended`` carries True with a result; False when it was cancelled (the screen then says so
    and keeps what it showed) or failed.
    """

    ended = Signal(bool)

    def __init__(
        self,
        tasks: TaskRunner,
        progress: QProgressBar,
        set_busy: Callable[[bool, int], None],
        say: Callable[[str], None],
        lang: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks, self._progress, self._set_busy = tasks, progress, set_busy
        self._say, self._lang = say, lang
        self._task: Task | None = None
        self._got = False

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(
        self,
        work: Callable[[Progress], Any],
        total: int,
        on_result: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Run ``work`` unless one is running; ``total`` iterations (0: a time budget)."""
        if self._task is not None:
            return

        def done(result: Any) -> None:
            self._got = True
            on_result(result)

        task = self._tasks.submit(work, done, on_failed, self._on_task_progressed)
        task.ended.connect(self._on_task_ended)
        self._task, self._got = task, False
        self._set_busy(True, total)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_task_progressed(self, iterations: int, total: int) -> None:
        if total:
            self._progress.setValue(min(iterations, total))
        text = translate("plan_ui.progress", self._lang(), iterations=iterations)
        self._progress.setFormat(text)

    def _on_task_ended(self) -> None:
        got = self._got
        if not got and self._task is not None and self._task.cancelled:
            self._say(translate("plan_ui.cancelled", self._lang()))
        self._task = None
        self._set_busy(False, 0)
        self.ended.emit(got)
