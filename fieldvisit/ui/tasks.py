"""Background work: one database worker, results posted back to the GUI thread as signals.

Every service call from a screen goes through ``TaskRunner.submit``. A single worker thread runs
tasks one at a time (as Anki does), so SQLite never sees two writers and results arrive in order.
Background code receives a ``Progress`` handle, never a widget.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

_log = logging.getLogger(__name__)


class TaskCancelled(Exception):  # noqa: N818  (it is a control-flow signal, not an error)
    """Raised inside a task by ``Progress.check`` once the task was cancelled."""


class Progress:
    """What a background function may do: report progress and notice cancellation."""

    def __init__(
        self,
        report: Callable[[int, int], None],
        stage: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self._report, self._stage = report, stage
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise TaskCancelled

    def report(self, done: int, total: int) -> None:
        self.check()
        self._report(done, total)

    def stage(self, key: str, done: int, total: int) -> None:
        """Long work with stages says which one runs and how far it got (``total`` 0: unknown)."""
        self.check()
        if self._stage is not None:
            self._stage(key, done, total)


class Task(QObject):
    """The GUI-thread side of one submitted job; its signals fire at most once each."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    staged = Signal(str, int, int)  # the stage running, its steps done and in all
    ended = Signal()  # always last, also after a cancellation

    def __init__(self, work: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress = Progress(self.progressed.emit, self.staged.emit)
        # Held here, released on the GUI thread: the work often closes over a widget, and a
        # widget whose last reference dies on the worker thread is destroyed there and crashes Qt.
        self.work: Callable[[Progress], Any] | None = work

    def cancel(self) -> None:
        """Stop waiting: a cancelled task emits neither ``finished`` nor ``failed``."""
        self.progress.cancel()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled


class _Job(QRunnable):
    """Runs one task on the worker; holds only the runner (long-lived) and the task's key."""

    def __init__(self, runner: TaskRunner, key: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._key = key

    def run(self) -> None:
        # Runs on the worker thread: only emit signals (queued to the GUI thread), touch no widget.
        self._execute()
        # Every reference this thread took is gone now; the GUI thread drops the last ones.
        self._runner.job_done.emit(self._key)

    def _execute(self) -> None:
        task = self._runner.task(self._key)
        if task is None:
            return
        try:
            if not task.cancelled and task.work is not None:
                self._deliver(task, task.work)
        finally:
            task.ended.emit()

    @staticmethod
    def _deliver(task: Task, work: Callable[[Progress], Any]) -> None:
        try:
            result = work(task.progress)
        except TaskCancelled:
            return
        except Exception as exc:
            if not task.cancelled:
                task.failed.emit(exc)
            return
        if not task.cancelled:
            task.finished.emit(result)


class TaskRunner(QObject):
    """Runs background functions one at a time and reports unexpected failures in one place."""

    job_done = Signal(int)  # from the worker, once it holds no reference to the task

    def __init__(
        self, on_error: Callable[[BaseException], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._on_error = on_error
        self._live: dict[int, Task] = {}
        self._keys = itertools.count()
        self.job_done.connect(self._on_job_done)

    def submit(
        self,
        work: Callable[[Progress], Any],
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        urgent: bool = False,
    ) -> Task:
        """Run ``work(progress)`` in the background; handlers run on the GUI thread.

        ``urgent`` work (rows the user is looking at) runs before work queued earlier.
        """
        # No Qt parent: ``_live`` keeps the task until the worker is done with it.
        task = Task(work)
        key = next(self._keys)
        self._live[key] = task
        task.finished.connect(on_finished)
        task.failed.connect(on_failed or self._on_error)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        self._pool.start(_Job(self, key), 1 if urgent else 0)
        return task

    def task(self, key: int) -> Task | None:
        """The task behind ``key``; None once ``shutdown`` dropped it (a handler that ran while
        shutdown delivered the last results may have queued one more job)."""
        return self._live.get(key)

    def pending(self) -> int:
        return len(self._live)

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until queued work has run (for shutdown and tests); False on timeout."""
        return self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Cancel everything, drop queued jobs and wait for the running one to end."""
        for task in self._live.values():
            task.cancel()
        self._pool.clear()
        self._pool.waitForDone()
        # Deliver what the last job posted while its receivers still exist.
        QCoreApplication.sendPostedEvents()
        self._live.clear()

    @Slot(int)
    def _on_job_done(self, key: int) -> None:
        task = self._live.pop(key, None)
        if task is not None:
            task.work = None
