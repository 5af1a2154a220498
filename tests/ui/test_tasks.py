"""The background helper: results and errors return on the GUI thread; cancelled work is silent."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from fieldvisit.domain.errors import ValidationError
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.tasks import Progress, TaskRunner, _Job


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot, tasks: TaskRunner) -> None:
    seen: list[tuple[int, bool]] = []
    gui = QThread.currentThread()

    def work(_progress: Progress) -> int:
        assert QThread.currentThread() is not gui
        return 42

    tasks.submit(work, lambda value: seen.append((value, QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: seen == [(42, True)])


def test_progress_is_reported(qtbot: QtBot, tasks: TaskRunner) -> None:
    steps: list[tuple[int, int]] = []

    def work(progress: Progress) -> None:
        for done in range(3):
            progress.report(done + 1, 3)

    tasks.submit(work, lambda _r: None, on_progress=lambda done, total: steps.append((done, total)))
    qtbot.waitUntil(lambda: tasks.pending() == 0)
    assert steps == [(1, 3), (2, 3), (3, 3)]


def test_failures_go_to_the_handler(qtbot: QtBot, tasks: TaskRunner) -> None:
    failures: list[BaseException] = []

    def work(_progress: Progress) -> None:
        raise ValidationError("error.cases.bad_state", state="x")

    tasks.submit(work, lambda _r: None, failures.append)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert isinstance(failures[0], ValidationError)


def test_unhandled_failures_are_shown_in_one_place(
    qtbot: QtBot, tasks: TaskRunner, shown_errors: list[str]
) -> None:
    def work(_progress: Progress) -> None:
        raise ValidationError("error.cases.bad_state", state="x")

    tasks.submit(work, lambda _r: None)
    qtbot.waitUntil(lambda: len(shown_errors) == 1)
    assert shown_errors.pop() == "未知的案件状态 x。"


def test_a_cancelled_task_reports_nothing(qtbot: QtBot, tasks: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    results: list[object] = []

    def slow(progress: Progress) -> str:
        started.set()
        release.wait(5)
        progress.check()
        return "late"

    task = tasks.submit(slow, results.append, results.append)
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: tasks.pending() == 0)
    assert results == []


def test_queued_work_is_dropped_at_shutdown(qtbot: QtBot, shown_errors: list[str]) -> None:
    reporter = ErrorReporter("en", show_dialogs=False)
    runner = TaskRunner(reporter.report)
    release = threading.Event()
    ran: list[str] = []
    runner.submit(lambda _p: release.wait(5), lambda _r: None)
    runner.submit(lambda _p: ran.append("second"), lambda _r: None)
    release.set()
    runner.shutdown()
    assert runner.pending() == 0
    assert ran in ([], ["second"])  # it may have started before the shutdown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unexpected_errors_are_reported_with_their_detail(lang: str) -> None:
    reporter = ErrorReporter(lang, show_dialogs=False)
    shown: list[str] = []
    reporter.reported.connect(shown.append)
    reporter.report(RuntimeError("disk full"))
    assert "disk full" in shown[0]


def test_a_job_whose_task_shutdown_dropped_ends_quietly(qtbot: QtBot) -> None:
    """Delivering the last results inside ``shutdown`` can run a handler that queues one more
    job; shutdown then drops its task, and the job must end without touching it."""
    runner = TaskRunner(lambda _error: None)
    key = 12_345  # a key ``_live`` no longer holds
    runner.shutdown()
    assert runner.task(key) is None
    done: list[int] = []
    runner.job_done.connect(done.append)
    _Job(runner, key).run()  # what the pool runs for it; it used to raise KeyError
    qtbot.waitUntil(lambda: done == [key], timeout=1000)
