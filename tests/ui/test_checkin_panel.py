"""The crew's screen: check in, countdown, SOS, offline banner, and the duress check-out test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import AlarmKind, RiskTier, SafetySessionState
from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.client import FieldClient
from fieldvisit.services.field.pins import set_duress_pin
from fieldvisit.services.field.queue import LocalQueue
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.services.field.status import SafetyStatus
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.ui.field.board import SafetyBoardWidget
from fieldvisit.ui.field.checkin_panel import CheckInPanel
from fieldvisit.ui.field.checkin_sos import COUNTDOWN_S
from fieldvisit.ui.field.checkout_dialog import CheckoutDialog
from tests.services.test_field_today import DAY
from tests.services.test_field_today import _round as today_round
from tests.services.test_safety_world import T0, World, build_world

ZONE = "Asia/Shanghai"  # the test team's zone (the default team zone of the schema)
CLOSED_PORT_URL = "postgresql+psycopg://fieldvisit@127.0.0.1:9/fieldvisit?connect_timeout=2"


@pytest.fixture
def world(sqlite_url: str) -> World:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return build_world(db)


def _panel(
    qtbot: QtBot, world: World, tmp_path: Path, client: FieldClient | None = None
) -> CheckInPanel:
    client = client or FieldClient(world.deps, LocalQueue(tmp_path / "outbox.jsonl"))
    panel = CheckInPanel(
        client, SafetyStatus(world.deps), world.collector, world.start_visit(), "zh", world.clock,
        zone=ZONE,
    )  # fmt: skip
    qtbot.addWidget(panel)
    return panel


def _filled_dialog(panel: CheckInPanel, pin: str) -> CheckoutDialog:
    dialog = panel.dialog_factory()
    for combo, value in (
        (dialog.person, PersonMet.DEBTOR),
        (dialog.outcome, OutcomeCode.REFUSED),
        (dialog.next_action, NextAction.PHONE_CALL),
    ):
        combo.setCurrentIndex(combo.findData(value.value))
    dialog.pin.setText(pin)
    return dialog


def _screen(panel: CheckInPanel) -> tuple[str, str, bool, bool, bool]:
    return (
        panel.countdown.text(),
        panel.status_label.text(),
        panel.offline_label.isVisible(),
        panel.check_out_button.isEnabled(),
        panel.sos.isEnabled(),
    )


def test_duress_check_out_is_normal_for_the_crew_and_an_alarm_for_the_manager(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beeps: list[None] = []
    monkeypatch.setattr("fieldvisit.ui.field.board.QApplication.beep", lambda: beeps.append(None))
    set_duress_pin(world.deps, world.collector, "2580")
    board = SafetyBoardWidget(
        SafetyBoard(world.deps), SafetyResponse(world.deps), world.manager, "zh"
    )
    qtbot.addWidget(board)
    screens = []
    for pin in ("1234", "2580"):  # a normal PIN, then the duress PIN
        panel = _panel(qtbot, world, tmp_path)
        panel.show()
        panel.check_in_button.click()
        board.refresh()
        world.clock.now = T0 + timedelta(minutes=20)
        panel.submit_check_out(_filled_dialog(panel, pin))
        panel.refresh_status()
        screens.append(_screen(panel))
        world.clock.now = T0
    assert screens[0] == screens[1] == ("已于 10:20 签退", "", False, False, False)
    before = len(beeps)  # the board also beeped once already: no watcher runs in this test
    with qtbot.waitSignal(board.alarm_raised, timeout=1000):
        board.refresh()
    assert len(beeps) == before + 1
    row = board.model.row_at(0)
    assert row is not None
    assert row.alarms[0].kind == AlarmKind.DURESS
    assert board.model.index(0, 0).data() == "胁迫报警（静默）（第 2 步）"


def test_countdown_turns_negative_when_overdue(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    world.mark_risk(RiskTier.HIGH)
    panel = _panel(qtbot, world, tmp_path)
    panel.check_in_button.click()
    assert panel.countdown.text() == "0:30:00"
    world.clock.now = T0 + timedelta(minutes=31)
    panel._on_ticker_timeout()
    assert panel.countdown.text() == "-0:01:00"
    panel.extend_button.click()
    assert panel.countdown.text() == "0:15:00"  # counted from now, as it was late


def test_sos_countdown_can_be_cancelled_and_then_sent(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    panel = _panel(qtbot, world, tmp_path)
    panel.check_in_button.click()
    panel.sos.button.pressed.emit()
    panel.sos.button.released.emit()  # a tap: the cancellable countdown starts
    assert panel.sos.remaining == COUNTDOWN_S
    assert panel.sos.cancel_button.isVisibleTo(panel)
    panel.sos.cancel_button.click()
    assert not panel.sos.count.isActive()
    assert SafetyBoard(world.deps).snapshot(world.manager).rows[0].alarms == ()
    panel.sos.button.pressed.emit()
    panel.sos._on_hold_timeout()  # held for two seconds
    assert SafetyBoard(world.deps).snapshot(world.manager).rows[0].alarms[0].kind == AlarmKind.SOS
    assert panel.status_label.text() == "报警已发出，办公室正在处理。"


def test_offline_check_out_says_the_office_cannot_see_it(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    queue = LocalQueue(tmp_path / "outbox.jsonl")
    panel = _panel(qtbot, world, tmp_path, FieldClient(world.deps, queue))
    panel.show()
    panel.check_in_button.click()
    offline_db = Database.open(CLOSED_PORT_URL)
    panel._client = FieldClient(
        replace(world.deps, session_factory=offline_db.session_factory), queue
    )
    panel.submit_check_out(_filled_dialog(panel, ""))
    assert panel.offline_label.isVisible()
    assert "办公室看不到" in panel.offline_label.text()
    offline_db.dispose()
    panel._client = FieldClient(world.deps, queue)
    panel.retry_button.click()
    assert not panel.offline_label.isVisible()
    assert "已发送 1 条" in panel.status_label.text()


def test_the_pre_visit_checklist_is_shown(qtbot: QtBot, world: World, tmp_path: Path) -> None:
    from fieldvisit.services.field.risk_register import RiskRegister

    world.mark_risk(RiskTier.HIGH)
    panel = CheckInPanel(
        FieldClient(world.deps, LocalQueue(tmp_path / "q.jsonl")),
        SafetyStatus(world.deps),
        world.collector,
        world.start_visit(),
        "zh",
        world.clock,
        zone=ZONE,
        assessment=RiskRegister(world.deps).assessment(world.address_id),
    )
    qtbot.addWidget(panel)
    assert panel.risk_label.text().splitlines()[:3] == [
        "地址风险：高风险",
        "外访前检查：",
        "☐ 两人同行，站在门外交谈，不进入室内。",
    ]


def test_an_sos_that_cannot_reach_the_office_says_call_now(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    queue = LocalQueue(tmp_path / "outbox.jsonl")
    panel = _panel(qtbot, world, tmp_path, FieldClient(world.deps, queue))
    panel.check_in_button.click()
    offline_db = Database.open(CLOSED_PORT_URL)
    panel._client = FieldClient(
        replace(world.deps, session_factory=offline_db.session_factory), queue
    )
    panel._on_sos_confirmed()
    offline_db.dispose()
    assert "报警未送达" in panel.status_label.text()


def test_the_alarm_shows_in_red_and_resolving_it_leaves_the_crew_checked_in(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    """Issue 20 item 8: resolving the alarm closed the session of a crew still inside."""
    world.mark_risk(RiskTier.HIGH)
    panel = _panel(qtbot, world, tmp_path)
    panel.show()
    panel.check_in_button.click()
    session = panel.session_id
    assert session is not None
    world.clock.now = T0 + timedelta(minutes=32)
    SafetyWatcher(world.deps, "w1").run_once()
    panel.refresh_status()
    qtbot.waitUntil(panel.alarm_banner.isVisible, timeout=5000)
    assert "超时" in panel.alarm_banner.text() or "报警" in panel.alarm_banner.text()
    assert "#b00020" in panel.alarm_banner.styleSheet()
    response = SafetyResponse(world.deps)
    response.acknowledge(world.manager, session, AlarmKind.OVERDUE)
    response.resolve(world.manager, session, AlarmKind.OVERDUE, "电话联系上，仍在屋内")
    panel.refresh_status()
    qtbot.waitUntil(lambda: not panel.alarm_banner.isVisible(), timeout=5000)
    seen = SafetyStatus(world.deps).session(world.collector, session)
    assert seen.state != SafetySessionState.CLOSED
    panel.extend_button.click()  # the session is still the crew's: it can be extended
    assert panel.countdown.text() == "0:15:00"
    with qtbot.waitSignal(panel.checked_out, timeout=5000):
        panel.submit_check_out(_filled_dialog(panel, ""))
    assert SafetyStatus(world.deps).session(world.collector, session).state == (
        SafetySessionState.CLOSED
    )


def test_the_panel_refuses_a_check_in_outside_the_approved_hours(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    """Issue 20 item 4, on the crew's screen: 00:51 the next day is refused, and says why."""
    _, collector, _ = today_round(demo_db, "approved")
    night = FixedClock(datetime(2026, 12, 2, 16, 51, tzinfo=UTC))  # 00:51 on 3 Dec, Shanghai
    deps = SafetyDeps(demo_db.session_factory, AuditLog(DEMO_AUDIT_KEY, night), night)
    worked = FieldToday(deps).round_for(collector, DAY)
    assert worked is not None
    visit_id = FieldToday(deps).start(collector, worked.stops[0].stop_id)
    client = FieldClient(deps, LocalQueue(tmp_path / "outbox.jsonl"))
    panel = CheckInPanel(client, SafetyStatus(deps), collector, visit_id, "en", night, zone=ZONE)
    qtbot.addWidget(panel)
    panel.check_in_button.click()
    assert panel.session_id is None
    assert "outside the hours it was approved for" in panel.status_label.text()
    assert panel.check_in_button.isEnabled()
