"""Desktop windows in team mode for tests: each with its own connection, worker and errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldvisit.app.remote_client import server_address
from fieldvisit.app.remote_services import RemoteBackend
from fieldvisit.app.wiring import open_remote
from fieldvisit.domain.access import Actor
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.tasks import TaskRunner
from tests.server.support import DEMO_PASSWORD, ServerProcess


@dataclass
class Desktop:
    """One person's window on a server."""

    backend: RemoteBackend
    actor: Actor
    window: MainWindow
    tasks: TaskRunner
    shown_errors: list[str]


OpenDesktop = Callable[[ServerProcess, str], Desktop]


@contextmanager
def desktops(qtbot: QtBot, folder: Path) -> Iterator[OpenDesktop]:
    """Opens signed-in windows; at the end stops their workers and streams, and checks that
    no error was shown to anyone."""
    opened: list[Desktop] = []

    def open_window(server: ServerProcess, username: str) -> Desktop:
        backend = open_remote(server_address(server.base.removesuffix("/api/v1")), lang="zh")
        actor = backend.services.auth.login(username, DEMO_PASSWORD)
        shown: list[str] = []
        errors = ErrorReporter("zh", show_dialogs=False)
        errors.reported.connect(shown.append)
        tasks = TaskRunner(errors.report)
        window = MainWindow(
            backend.services,
            actor,
            settings=AppSettings(folder / f"{username}-{len(opened)}.ini"),
            tasks=tasks,
            errors=errors,
            lang="zh",
            db_display_url=backend.display_url,
        )
        qtbot.addWidget(window)
        window.show()
        backend.feed.start()
        assert backend.feed.connected.wait(10), "event stream did not open"
        opened.append(Desktop(backend, actor, window, tasks, shown))
        return opened[-1]

    try:
        yield open_window
    finally:
        for each in opened:
            each.backend.feed.stop()  # first: a late change would start work on the worker
            each.tasks.shutdown()
            each.backend.close()
    for each in opened:
        assert each.shown_errors == [], "an error was shown to the user"
