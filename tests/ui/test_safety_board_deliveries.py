"""The Safety board shows who each alarm step reached, and refreshes when the notifier pushes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldvisit.domain.enums import AlarmKind, RiskTier
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.notify_log import DeliveryLog
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.ui.field.board import SafetyBoardWidget
from fieldvisit.ui.tasks import TaskRunner
from tests.services.notify_receivers import HttpReceiver, SmtpServer
from tests.services.notify_world import Alerting, set_up
from tests.services.test_safety_world import build_world

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _save(widget: SafetyBoardWidget, name: str, folder: Path) -> None:
    """The picture in docs/screenshots with FIELDVISIT_SCREENSHOTS=1, else in ``folder``: an
    ordinary run (maybe on a machine without the CJK font) never rewrites the tracked pictures."""
    out = SCREENSHOTS if os.environ.get("FIELDVISIT_SCREENSHOTS") else folder
    out.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(out / name))


@pytest.fixture
def alerting(sqlite_url: str, smtp_server: SmtpServer, http_receiver: HttpReceiver) -> Alerting:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return set_up(build_world(db), smtp_server.port, http_receiver.url)


def _board(qtbot: QtBot, alerting: Alerting, lang: str) -> SafetyBoardWidget:
    deps = alerting.world.deps
    widget = SafetyBoardWidget(
        SafetyBoard(deps),
        SafetyResponse(deps),
        alerting.world.manager,
        lang,
        deliveries=DeliveryLog(deps),
        hub=alerting.hub,
    )
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    return widget


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_selected_alarm_shows_every_attempt_and_the_acknowledgement(
    qtbot: QtBot, alerting: Alerting, http_receiver: HttpReceiver, lang: str, tmp_path: Path
) -> None:
    world = alerting.world
    world.mark_risk(RiskTier.HIGH)
    session_id = world.check_in().session_id
    http_receiver.answers = [503]
    alerting.watch(32)
    alerting.watch(34)
    SafetyResponse(world.deps).acknowledge(world.manager, session_id, AlarmKind.OVERDUE)
    widget = _board(qtbot, alerting, lang)
    widget.refresh()
    widget.table.selectRow(0)
    panel = widget.deliveries
    assert panel is not None
    assert [s.step for s in panel.steps] == [1, 2]
    text = panel.text()
    assert "mgr@example.com" in text
    assert "webhook answered HTTP 503" in text
    assert "mgr" in text
    widget.show()
    qtbot.waitExposed(widget)
    _save(widget, f"safety-board-deliveries-{lang}.png", tmp_path)


def test_a_push_refreshes_the_board_at_once(qtbot: QtBot, alerting: Alerting) -> None:
    world = alerting.world
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    widget = _board(qtbot, alerting, "en")
    widget.refresh()
    assert widget.model.rowCount() == 1
    alerting.watch(32)
    with qtbot.waitSignal(widget.pushed, timeout=2000):
        alerting.watch(34)  # step 2 pushes to the team's board
    assert widget.snapshot is not None
    assert {a.step for a in widget.snapshot.rows[0].alarms} == {2}


def test_a_closed_board_no_longer_listens(qtbot: QtBot, alerting: Alerting) -> None:
    widget = _board(qtbot, alerting, "en")
    widget.stop()
    world = alerting.world
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    alerting.watch(32)
    alerting.watch(34)
    assert ("alarm2", "push:", 1, "no_listener") in alerting.attempts()


def test_the_in_app_watcher_delivers_and_pushes_to_the_board_across_threads(
    qtbot: QtBot, alerting: Alerting, smtp_server: SmtpServer, tasks: TaskRunner
) -> None:
    from datetime import timedelta

    from fieldvisit.services.field.watch import SafetyWatcher
    from fieldvisit.ui.field.watch_driver import WatcherDriver
    from tests.services.test_safety_world import T0

    world = alerting.world
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    hooks = (alerting.health.check, alerting.notifier.run)
    driver = WatcherDriver(SafetyWatcher(world.deps, "desktop", hooks), tasks, interval_s=60)
    widget = _board(qtbot, alerting, "en")
    world.clock.now = T0 + timedelta(minutes=32)
    with qtbot.waitSignal(driver.passed, timeout=5000):
        driver.start()
    driver.stop()
    world.clock.now = T0 + timedelta(minutes=34)
    with qtbot.waitSignal(widget.pushed, timeout=5000):  # emitted on the worker's thread
        driver.start()
    driver.stop()
    qtbot.waitUntil(lambda: len(smtp_server.inbox.messages) == 1, timeout=5000)
    tasks.shutdown()
    driver.retire()  # the app closes: no beat is left to go stale
    assert SafetyBoard(world.deps).snapshot(world.manager).watcher.silent


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_silent_watcher_stays_on_the_board_until_acknowledged(
    qtbot: QtBot, alerting: Alerting, lang: str, tmp_path: Path
) -> None:
    from fieldvisit.services.field.notify_health import WatcherHealth

    alerting.watch(0, watcher="server-a")
    alerting.watch(2, watcher="w1")
    deps = alerting.world.deps
    widget = SafetyBoardWidget(
        SafetyBoard(deps), SafetyResponse(deps), alerting.world.lead, lang,
        health=WatcherHealth(deps),
    )  # fmt: skip
    qtbot.addWidget(widget)
    widget.resize(1000, 320)
    widget.refresh()
    bar = widget.outages
    assert bar is not None
    assert not bar.isHidden()
    assert "server-a" in bar.label.text()
    assert "10:00:00" in bar.label.text()  # the last beat, in the board's time zone
    widget.show()
    qtbot.waitExposed(widget)
    _save(widget, f"safety-board-watcher-outage-{lang}.png", tmp_path)
    qtbot.mouseClick(bar.ack_button, Qt.MouseButton.LeftButton)
    assert bar.isHidden()
    assert WatcherHealth(deps).outages(alerting.world.lead) == []


def test_every_watcher_silent_is_named_as_such_not_as_a_star(
    qtbot: QtBot, alerting: Alerting
) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from fieldvisit.services.field.notify_health import NO_WATCHER, WatcherHealth, WatcherOutage
    from fieldvisit.ui.field.board_outages import OutagesBar
    from tests.services.test_safety_world import T0

    bar = OutagesBar(
        WatcherHealth(alerting.world.deps), alerting.world.lead, "en", ZoneInfo("Asia/Shanghai")
    )
    qtbot.addWidget(bar)
    silent = WatcherOutage(1, NO_WATCHER, T0, T0 + timedelta(seconds=61), None, None)
    bar.show_outages([silent])
    assert bar.label.text().startswith("No watcher has been running since 10:00:00")
    bar.show_outages([WatcherOutage(1, "server-a", T0, T0, None, None)])
    assert "server-a" in bar.label.text()
