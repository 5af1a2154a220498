"""The red banner in team mode: no safety watcher has beaten for 60 s (servers' clock), so every
connected manager and safety lead sees it, pushed; it goes when a watcher beats again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from fieldvisit.ui.main_window import MainWindow
from tests.app.signing_in import CREW_MEMBER, TEAM_MANAGER
from tests.server.support import ServerProcess, TestClock, fresh_database
from tests.ui.remote_desktops import desktops

START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PUSH_MS = 5000  # a check every 0.5 s, then the push

pytestmark = pytest.mark.postgres


def _picture(qtbot: QtBot, window: QWidget, folder: Path) -> None:
    """The window with its banner, on the safety board (docs/screenshots with
    FIELDVISIT_SCREENSHOTS=1, as tests/ui/test_workflow_screenshots.py does)."""
    out = SCREENSHOTS if os.environ.get("FIELDVISIT_SCREENSHOTS") else folder
    assert isinstance(window, MainWindow)
    window.resize(1280, 800)
    window.show_screen("safety")
    qtbot.wait(1500)  # the board's first load
    path = out / "server-mode-red-banner-zh.png"
    assert window.grab().save(str(path))


def _audited(url: str, action: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM audit_log WHERE action = :action")
            return int(connection.scalar(query, {"action": action}) or 0)
    finally:
        engine.dispose()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, TestClock, Path, list[ServerProcess]]]:
    clock = TestClock(tmp_path / "now", START)
    started: list[ServerProcess] = []
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        try:
            yield url, clock, tmp_path, started
        finally:
            for server in started:
                server.stop()


def test_the_banner_shows_when_every_watcher_is_silent_and_goes_when_one_beats(
    qtbot: QtBot,
    servers: tuple[str, TestClock, Path, list[ServerProcess]],
    tmp_path: Path,
) -> None:
    url, clock, folder, started = servers
    fast = ("--watch-interval", "0.5")
    # Two servers that only serve (each checks the silence itself) and one that watches.
    front = ServerProcess(url, folder, clock, "--no-watcher", *fast)
    other_front = ServerProcess(url, folder, clock, "--no-watcher", *fast)
    watcher = ServerProcess(url, folder, clock, *fast)
    started.extend([front, other_front, watcher])
    qtbot.waitUntil(lambda: watcher.health()["watcher_leader"], timeout=10_000)
    with desktops(qtbot, tmp_path) as open_desktop:
        manager = open_desktop(front, TEAM_MANAGER[1])
        lead = open_desktop(other_front, "safety.lead")
        collector = open_desktop(front, CREW_MEMBER[1])
        qtbot.wait(1000)  # a few checks: all quiet
        assert not manager.window.banner.isVisible()

        watcher.kill()  # as a crash would: its last beat stays and goes stale
        clock.set(START + timedelta(seconds=61))
        qtbot.waitUntil(manager.window.banner.isVisible, timeout=PUSH_MS)
        qtbot.waitUntil(lead.window.banner.isVisible, timeout=PUSH_MS)
        assert "安全监控" in manager.window.banner.text()
        _picture(qtbot, manager.window, folder)
        # A window that connects now learns the state on connecting, not from an event.
        late = open_desktop(front, TEAM_MANAGER[1])
        qtbot.waitUntil(late.window.banner.isVisible, timeout=PUSH_MS)
        # The crew is not told (and a collector's window has no banner to show).
        assert not collector.window.banner.isVisible()
        # Noticed by two servers, audited once.
        assert _audited(url, "safety.watchers_silent") == 1

        started.append(ServerProcess(url, folder, clock, *fast))  # a watcher again
        qtbot.waitUntil(lambda: not manager.window.banner.isVisible(), timeout=PUSH_MS * 2)
        qtbot.waitUntil(lambda: not lead.window.banner.isVisible(), timeout=PUSH_MS)
        assert _audited(url, "safety.watchers_back") == 1
