"""Announced changes reach the window on the GUI thread, wherever they were published."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.services.field.notify_channels import ChangeNotice, PushHub
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.change_bridge import ChangeBridge
from fieldvisit.ui.context import Services
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.tasks import TaskRunner


def _from_another_thread(hub: PushHub, kind: str) -> None:
    thread = threading.Thread(target=hub.publish, args=(ChangeNotice(kind, {"round_id": 1}), ""))
    thread.start()
    thread.join()


def test_a_notice_from_a_worker_thread_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    hub = PushHub()
    bridge = ChangeBridge(hub)
    arrived: list[tuple[str, bool]] = []

    def on_changed(kind: str, _data: object) -> None:
        app = QApplication.instance()
        assert app is not None
        arrived.append((kind, QThread.currentThread() is app.thread()))

    bridge.changed.connect(on_changed)
    _from_another_thread(hub, "round.submitted")
    qtbot.waitUntil(lambda: arrived == [("round.submitted", True)], timeout=2000)


@pytest.fixture
def window_of(
    qtbot: QtBot,
    services: Services,
    actor_of: Callable[[Role], Actor],
    settings: AppSettings,
    tasks: TaskRunner,
    errors: ErrorReporter,
    drain: Callable[[], None],
) -> Iterator[Callable[[Role], MainWindow]]:
    def make(role: Role) -> MainWindow:
        window = MainWindow(
            services, actor_of(role), settings=settings, tasks=tasks, errors=errors, lang="zh",
            db_display_url="sqlite:///demo.db",
        )  # fmt: skip
        qtbot.addWidget(window)
        window.show()
        return window

    yield make
    drain()


def test_a_submitted_round_refreshes_the_approvals_queue_only(
    qtbot: QtBot,
    services: Services,
    window_of: Callable[[Role], MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = window_of(Role.MANAGER)
    approvals, cases = window.show_screen("approvals"), window.show_screen("cases")
    refreshed: list[str] = []
    monkeypatch.setattr(approvals, "refresh", lambda: refreshed.append("approvals"))
    monkeypatch.setattr(cases, "refresh", lambda: refreshed.append("cases"), raising=False)
    _from_another_thread(services.notify.hub, "round.submitted")
    qtbot.waitUntil(lambda: refreshed == ["approvals"], timeout=2000)
    _from_another_thread(services.notify.hub, "connection.restored")  # re-read everything
    qtbot.waitUntil(lambda: sorted(refreshed) == ["approvals", "approvals", "cases"], timeout=2000)


@pytest.mark.parametrize(("role", "shown"), [(Role.MANAGER, True), (Role.COLLECTOR, False)])
def test_the_banner_follows_the_watcher_events_for_those_who_watch(
    qtbot: QtBot,
    services: Services,
    window_of: Callable[[Role], MainWindow],
    role: Role,
    shown: bool,
) -> None:
    window = window_of(role)
    assert not window.banner.isVisible()
    _from_another_thread(services.notify.hub, "watcher.silent")
    if shown:
        qtbot.waitUntil(window.banner.isVisible, timeout=2000)
    else:
        qtbot.wait(300)  # the queued signal has long been handled by now
        assert not window.banner.isVisible()
    _from_another_thread(services.notify.hub, "watcher.back")
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=2000)
