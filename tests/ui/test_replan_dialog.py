"""Mid-day re-plan from the Today screen: drop a stop, add an urgent case, apply, approve."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.routing.budget import Budget
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.field.today_screen import TodayScreen
from fieldvisit.ui.plan.approvals_view import ApprovalsView
from fieldvisit.ui.plan.replan_dialog import ReplanDialog
from tests.ui.test_today_screen import _approved_round_for_today


@pytest.fixture
def under_way(
    qtbot: QtBot,
    services: Services,
    demo_db: Database,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> TodayScreen:
    """The Today screen of a crew whose first visit started at 09:00; it is noon now."""
    clock = services.clock
    assert isinstance(clock, FixedClock)
    clock.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    collector = _approved_round_for_today(services, demo_db)
    screen = TodayScreen(context_for(collector, "zh"))
    qtbot.addWidget(screen)
    drain()
    screen.table.selectRow(0)
    screen.start_button.click()
    drain()
    assert screen.replan_button.isEnabled()
    clock.now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    screen.replan_budget = Budget(iterations=200, seed=0)
    return screen


def _open_dialog(screen: TodayScreen, drain: Callable[[], None]) -> ReplanDialog:
    screen.replan_button.click()
    dialog = screen.replan_dialog
    assert isinstance(dialog, ReplanDialog)
    drain()
    assert dialog.candidates.count() > 0
    return dialog


def test_replan_keeps_the_day_and_sends_only_the_new_exception_to_a_manager(
    qtbot: QtBot,
    under_way: TodayScreen,
    context_for: Callable[[Actor, str], ScreenContext],
    services: Services,
    demo_db: Database,
    drain: Callable[[], None],
) -> None:
    screen = under_way
    first = screen.model.stops[0]
    dialog = _open_dialog(screen, drain)
    dialog.rest.item(0).setCheckState(Qt.CheckState.Checked)  # no access at this stop
    urgent = next(
        i for i in range(dialog.candidates.count()) if "需审批" in dialog.candidates.itemText(i)
    )
    dialog.candidates.setCurrentIndex(urgent)
    dialog.add_button.click()
    urgent_case = dialog.added_cases()[0]

    dialog.propose_button.click()
    assert "原因" in dialog.summary.text()  # a reason is required, nothing ran
    dialog.reason.setCurrentIndex(1)
    dialog.propose_button.click()
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=60_000)
    cells = [
        dialog.proposal_table.item(row, 3).text() for row in range(dialog.proposal_table.rowCount())
    ]
    assert "需重新审批" in cells  # the urgent case's exception goes to a manager
    assert "审批保留" in cells  # exceptions approved this morning stay approved
    assert "保持不变" in dialog.summary.text()

    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        dialog.apply_button.click()
    drain()
    stops = screen.model.stops
    assert stops[0].stop_id == first.stop_id
    assert stops[0].visit_id is not None
    added = next(i for i, stop in enumerate(stops) if stop.case_id == urgent_case)
    assert screen.model.index(added, 4).data() == "待审批"
    screen.table.selectRow(added)
    assert not screen.start_button.isEnabled()

    manager = _manager_of(services, demo_db)
    approvals = ApprovalsView(services.plan.rounds, manager, "zh", context_for(manager, "zh").tasks)
    qtbot.addWidget(approvals)
    drain()
    rows = approvals.queue_model.rows
    assert [(r.status, r.exceptions) for r in rows] == [(RoundStatus.IN_PROGRESS, 1)]
    qtbot.waitUntil(lambda: approvals.detail is not None)
    assert "其他站点的审批仍然有效" in approvals.heading.text()
    decided = {row.stop.case_id for row in approvals.exceptions_model.rows}
    assert decided == {urgent_case}  # only the new exception is decided, not the morning's
    approvals.reason.setText("紧急案件，同意")
    with qtbot.waitSignal(approvals.decided, timeout=10_000):
        approvals.approve_button.click()
    drain()
    screen.refresh()
    drain()
    screen.table.selectRow(added)
    assert screen.start_button.isEnabled()  # approved: the crew may now make this visit


def test_cancel_stops_the_planner_and_changes_nothing(
    qtbot: QtBot, under_way: TodayScreen, drain: Callable[[], None]
) -> None:
    screen = under_way
    before = screen.model.stops
    screen.replan_budget = Budget(seconds=60.0)
    dialog = _open_dialog(screen, drain)
    dialog.reason.setCurrentIndex(0)
    dialog.propose_button.click()
    qtbot.waitUntil(lambda: dialog.cancel_button.isEnabled(), timeout=5_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.propose_button.isEnabled(), timeout=15_000)
    assert dialog.proposal is None
    assert not dialog.apply_button.isEnabled()
    assert "取消" in dialog.summary.text()
    screen.refresh()
    drain()
    assert screen.model.stops == before


def _manager_of(services: Services, demo_db: Database) -> Actor:
    with demo_db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
    assert manager is not None
    return services.users.actor(manager)
