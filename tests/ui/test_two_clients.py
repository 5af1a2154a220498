"""Two desktop windows in team mode on one real server: changes reach the other window pushed."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldvisit.domain.enums import RoundStatus
from fieldvisit.routing.budget import Budget
from fieldvisit.services.planning.day import DayRequest
from fieldvisit.ui.field.today_screen import TodayScreen
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.plan.approvals_view import ApprovalsView
from fieldvisit.ui.tasks import TaskRunner
from tests.app.signing_in import CREW_MEMBER, TEAM_MANAGER
from tests.server.support import DEMO_PASSWORD, ServerProcess, TestClock, fresh_database
from tests.ui.remote_desktops import Desktop, desktops

DAY = date(2026, 12, 2)
START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, the demo teams' zone
PUSH_MS = 2000  # the bound: the other window shows the change within 2 s

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder: Path = tmp_path_factory.mktemp("server")
    clock = TestClock(folder / "now", START)
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        process = ServerProcess(url, folder, clock, "--watch-interval", "0.5")
        yield process
        process.stop()


@pytest.fixture
def desktop(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path
) -> Iterator[Callable[[str], Desktop]]:
    with desktops(qtbot, tmp_path) as open_window:
        yield lambda username: open_window(server, username)


def _loaded(qtbot: QtBot, tasks: TaskRunner) -> None:
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=30_000)


def test_a_submit_and_an_approval_reach_the_other_window_without_a_refresh(
    qtbot: QtBot, desktop: Callable[[str], Desktop]
) -> None:
    collector = desktop(CREW_MEMBER[1])
    manager = desktop(TEAM_MANAGER[1])
    approvals = manager.window.show_screen("approvals")
    today = collector.window.show_screen("today")
    assert isinstance(approvals, ApprovalsView)
    assert isinstance(today, TodayScreen)
    _loaded(qtbot, manager.tasks)
    _loaded(qtbot, collector.tasks)
    assert today.model.rowCount() == 0  # nothing approved for the crew yet

    # The collector plans and submits his round (the Plan screen's calls, through the server).
    services, actor = collector.backend.services, collector.actor
    plan = services.plan.planning.optimise(
        actor, DayRequest(1, DAY, None), Budget(seconds=1.0, seed=0)
    )
    version = services.plan.rounds.current_version(1, DAY)
    round_id = services.plan.rounds.save_draft(actor, plan, version).round_id
    queued_before = [r.round_id for r in approvals.queue_model.rows]
    assert round_id not in queued_before
    services.plan.rounds.submit(actor, round_id)
    submitted = time.monotonic()

    # Nobody presses Refresh: the pushed event makes the Approvals queue re-read.
    qtbot.waitUntil(
        lambda: round_id in [r.round_id for r in approvals.queue_model.rows], timeout=PUSH_MS
    )
    assert time.monotonic() - submitted < PUSH_MS / 1000

    # The manager approves in his window; the collector's Today screen shows the round.
    approvals.select_round(round_id)
    qtbot.waitUntil(lambda: approvals.detail is not None and approvals.detail.round_id == round_id)
    approvals.reason.setText("路线合规")
    approvals.approve_button.click()
    qtbot.waitUntil(lambda: round_id not in [r.round_id for r in approvals.queue_model.rows])
    approved = time.monotonic()
    qtbot.waitUntil(lambda: today.model.rowCount() == len(plan.stops), timeout=PUSH_MS)
    assert time.monotonic() - approved < PUSH_MS / 1000
    detail = services.plan.rounds.detail(actor, round_id)
    assert detail.status is RoundStatus.APPROVED


class _NoCollector:
    """The window's garbage-collection guard stays out of the test process."""

    def __init__(self, parent: object = None) -> None:
        pass

    def start(self) -> None:
        pass

    def settle(self) -> None:
        pass


class _NoQtTranslations:
    """Qt's own catalogue stays as the other tests expect it (it is process-wide)."""

    def __init__(self, app: object) -> None:
        pass

    def apply(self, lang: str) -> bool:
        return False


def test_the_command_line_opens_the_window_on_the_server(
    qtbot: QtBot, server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldvisit.app import cli, gui

    monkeypatch.setenv("FIELDVISIT_SETTINGS", str(tmp_path / "settings.ini"))
    monkeypatch.setenv("FIELDVISIT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the window installs its own
    monkeypatch.setattr(gui, "GuiThreadCollector", _NoCollector)
    monkeypatch.setattr(gui, "QtTranslations", _NoQtTranslations)
    monkeypatch.setattr(
        gui,
        "password_sign_in",
        lambda auth, _lang: lambda _parent: auth.login(TEAM_MANAGER[1], DEMO_PASSWORD),
    )
    seen: dict[str, object] = {}

    base = server.base.removesuffix("/api/v1")

    def run_briefly(_app: QApplication) -> int:
        # This start's window: earlier tests' windows may not be deleted yet.
        window = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and base in w.db_label.text()
        )
        approvals = window.show_screen("approvals")
        assert isinstance(approvals, ApprovalsView)
        qtbot.waitUntil(lambda: window._context.tasks.pending() == 0, timeout=30_000)
        seen["where"] = window.db_label.text()
        seen["queue"] = approvals.queue_model.rowCount()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", run_briefly)
    assert cli.main(["--server", base, "--lang", "zh"]) == 0
    assert seen["where"] == f"团队服务器：{base}"
    assert isinstance(seen["queue"], int)


@pytest.mark.parametrize(
    "username", [CREW_MEMBER[1], TEAM_MANAGER[1], "safety.lead", "compliance", "admin"]
)
def test_every_screen_of_every_role_opens_on_the_server_without_an_error(
    qtbot: QtBot, desktop: Callable[[str], Desktop], username: str
) -> None:
    opened = desktop(username)
    for spec in opened.window.specs:
        screen = opened.window.show_screen(spec.key)
        assert screen is not None
        qtbot.waitUntil(lambda: opened.tasks.pending() == 0, timeout=30_000)
        qtbot.wait(300)  # screens that build in steps (the case list) finish them
        qtbot.waitUntil(lambda: opened.tasks.pending() == 0, timeout=30_000)
        assert opened.shown_errors == [], f"{spec.key}: {opened.shown_errors}"
