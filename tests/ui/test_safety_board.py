"""The safety board widget: model, ordering, a beep on a new alarm, the silent-watcher banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldvisit.domain.enums import AlarmKind, RiskTier
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.services.field.visits import FieldVisits
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.ui.field.board import MAX_POLL_MS, SafetyBoardWidget
from fieldvisit.ui.field.board_model import SafetyBoardModel
from fieldvisit.ui.tasks import TaskRunner
from tests.services.test_safety_world import T0, World, build_world


@pytest.fixture
def world(sqlite_url: str) -> World:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return build_world(db)


def _board(qtbot: QtBot, world: World, lang: str = "zh") -> SafetyBoardWidget:
    widget = SafetyBoardWidget(
        SafetyBoard(world.deps), SafetyResponse(world.deps), world.manager, lang
    )
    qtbot.addWidget(widget)
    return widget


def test_model_passes_the_model_tester(qtmodeltester: ModelTester, world: World) -> None:
    world.check_in()
    model = SafetyBoardModel("en")
    snapshot = SafetyBoard(world.deps).snapshot(world.manager)
    model.set_rows(snapshot.rows, snapshot.at)
    qtmodeltester.check(model)


def test_polls_at_most_every_five_seconds(qtbot: QtBot, world: World) -> None:
    widget = SafetyBoardWidget(
        SafetyBoard(world.deps), SafetyResponse(world.deps), world.manager, "en", poll_ms=60_000
    )
    qtbot.addWidget(widget)
    assert widget.timer.interval() == MAX_POLL_MS


def test_new_alarm_beeps_once_and_goes_first(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    beeps: list[None] = []
    monkeypatch.setattr("fieldvisit.ui.field.board.QApplication.beep", lambda: beeps.append(None))
    world.mark_risk(RiskTier.HIGH)
    calm = world.check_in()
    loud = world.check_in()
    SafetyWatcher(world.deps).run_once()
    widget = _board(qtbot, world)
    widget.refresh()
    assert beeps == []
    with qtbot.waitSignal(widget.alarm_raised, timeout=1000):
        FieldVisits(world.deps).sos(world.collector, loud.session_id)
        widget.refresh()
    widget.refresh()
    assert len(beeps) == 1
    assert [widget.model.row_at(i).session_id for i in range(2)] == [  # type: ignore[union-attr]
        loud.session_id,
        calm.session_id,
    ]
    assert widget.model.index(0, 0).data() == "一键报警（第 2 步）"


def test_acknowledge_from_the_board(qtbot: QtBot, world: World) -> None:
    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    world.clock.now = T0 + timedelta(minutes=33)
    SafetyWatcher(world.deps).run_once()
    widget = _board(qtbot, world, "en")
    widget.refresh()
    widget.table.selectRow(0)
    assert widget.ack_button.isEnabled()
    assert "phone the crew" in widget.instructions.text()
    widget.ack_button.click()
    assert widget.model.index(0, 8).data() == "mgr"
    assert widget.snapshot is not None
    assert widget.snapshot.rows[0].session_id == info.session_id
    assert widget.snapshot.rows[0].alarms[0].kind == AlarmKind.OVERDUE


def test_silent_watcher_shows_a_banner(qtbot: QtBot, world: World) -> None:
    SafetyWatcher(world.deps).run_once()
    widget = _board(qtbot, world, "en")
    widget.refresh()
    assert widget.watcher_label.text().startswith("Watcher running")
    world.clock.now = T0 + timedelta(minutes=2)
    with qtbot.waitSignal(widget.watcher_went_silent, timeout=1000):
        widget.refresh()
    assert "gone silent" in widget.watcher_label.text()


def test_a_new_york_team_reads_the_board_in_new_york_time(
    qtbot: QtBot, sqlite_url: str, tasks: TaskRunner
) -> None:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    world = build_world(db, zone="America/New_York")
    SafetyWatcher(world.deps).run_once()  # beats at T0: 21:00 the evening before in New York
    widget = _board(qtbot, world, "en")
    widget.refresh()
    assert widget.snapshot is not None
    assert widget.snapshot.zone == "America/New_York"
    assert "21:00:00" in widget.watcher_label.text()
    assert "10:00:00" not in widget.watcher_label.text()  # Shanghai's clock, for contrast


def test_refresh_through_the_background_worker(
    qtbot: QtBot, world: World, tasks: TaskRunner
) -> None:
    world.check_in()
    widget = SafetyBoardWidget(
        SafetyBoard(world.deps), SafetyResponse(world.deps), world.manager, "en", tasks
    )
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.refreshed, timeout=5000):
        widget.start()
    widget.stop()
    assert widget.model.rowCount() == 1


def test_the_in_process_watcher_runs_on_the_app_worker(
    qtbot: QtBot, world: World, tasks: TaskRunner
) -> None:
    from fieldvisit.ui.field.watch_driver import WatcherDriver

    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    world.clock.now = T0 + timedelta(minutes=33)
    driver = WatcherDriver(SafetyWatcher(world.deps, "desktop"), tasks, interval_s=60)
    with qtbot.waitSignal(driver.passed, timeout=5000) as report:
        driver.start()
    driver.stop()
    assert [r.alarm.step for r in report.args[0].raised] == [1]  # type: ignore[index]
