"""One optimisation at a time in the background: progress bar, Cancel, and how it ended."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressBar

from fieldvisit.i18n import translate
from fieldvisit.ui.tasks import Progress, Task, TaskRunner

# The share of the bar each stage of a staged optimisation fills (a team's day: checking every
# case for every crew, the search, then re-checking each crew's slots).
STAGE_SPANS: dict[str, tuple[int, int]] = {
    "eligibility": (0, 30),
    "search": (30, 85),
    "checks": (85, 100),
}
SEARCH_TICK_MS = 200  # how often a time-bounded search moves the bar


def stage_percent(stage: str, fraction: float) -> int:
    """Where ``fraction`` (0..1) of ``stage`` puts the whole optimisation, in percent."""
    low, high = STAGE_SPANS[stage]
    return low + round((high - low) * min(max(fraction, 0.0), 1.0))


class OptimiseRun(QObject):
    """Runs an optimisation task, shows its progress, cancels it, and says how it ended.

    ``ended`` carries True with a result; False when it was cancelled (the screen then says so
    and keeps what it showed) or failed. Work that reports stages (``Progress.stage``) gets a
    percentage bar naming the stage; a time-bounded search moves it by the clock, because the
    search itself may report rarely.
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
        self._stage: str | None = None
        self._percent = 0
        self._seconds: float | None = None
        self._search_began = 0.0
        self._search_timer = QTimer(self)
        self._search_timer.setInterval(SEARCH_TICK_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(
        self,
        work: Callable[[Progress], Any],
        total: int,
        on_result: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        *,
        seconds: float | None = None,
    ) -> None:
        """Run ``work`` unless one is running; ``total`` iterations (0: a time budget).

        ``seconds`` is the search's time budget, for the bar of a staged optimisation.
        """
        if self._task is not None:
            return

        def done(result: Any) -> None:
            self._got = True
            on_result(result)

        task = self._tasks.submit(work, done, on_failed, self._on_task_progressed)
        task.staged.connect(self._on_task_staged)
        task.ended.connect(self._on_task_ended)
        self._task, self._got = task, False
        self._stage, self._percent, self._seconds = None, 0, seconds
        self._set_busy(True, total)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_task_progressed(self, iterations: int, total: int) -> None:
        if self._stage is not None:
            if self._stage == "search" and total:
                self._show_stage("search", iterations / total)
            return
        if total:
            self._progress.setValue(min(iterations, total))
        text = translate("plan_ui.progress", self._lang(), iterations=iterations)
        self._progress.setFormat(text)

    def _on_task_staged(self, stage: str, done: int, total: int) -> None:
        if stage not in STAGE_SPANS:
            return
        self._stage = stage
        if stage == "search" and self._seconds:
            self._search_began = time.monotonic()
            self._search_timer.start()
        else:
            self._search_timer.stop()
        self._show_stage(stage, done / total if total else 0.0)

    def _on_search_timer_timeout(self) -> None:
        if self._stage == "search" and self._seconds:
            self._show_stage("search", (time.monotonic() - self._search_began) / self._seconds)

    def _show_stage(self, stage: str, fraction: float) -> None:
        # Never backwards: a search that ends early jumps ahead, it does not run back.
        self._percent = max(self._percent, stage_percent(stage, fraction))
        self._progress.setRange(0, 100)
        self._progress.setValue(self._percent)
        text = translate(f"plan_ui.stage.{stage}", self._lang(), percent=self._percent)
        self._progress.setFormat(text)

    def _on_task_ended(self) -> None:
        self._search_timer.stop()
        self._stage = None
        got = self._got
        if not got and self._task is not None and self._task.cancelled:
            self._say(translate("plan_ui.cancelled", self._lang()))
        self._task = None
        self._set_busy(False, 0)
        self.ended.emit(got)
