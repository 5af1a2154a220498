"""The Assign screen on demo data: lasso on the map, assign with a reason, undo, refusals."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import CaseState, Role
from fieldvisit.domain.geometry import contains
from fieldvisit.services.planning.assignment import ASSIGNED, UNDONE, AssignmentResult
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.assign.screen import AssignScreen
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.screens import screens_for

Drain = Callable[[], None]


@pytest.fixture
def manager(actor_of: Callable[[Role], Actor]) -> Actor:
    return actor_of(Role.MANAGER)


def open_screen(qtbot: QtBot, context: ScreenContext, drain: Drain) -> AssignScreen:
    screen = AssignScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    drain()
    assert screen.model.rowCount() > 0
    assert screen.map.points()
    return screen


def placements(db: Database, case_ids: Sequence[int]) -> dict[int, int | None]:
    with db.session_factory() as s:
        rows = s.execute(select(m.Case.id, m.Case.crew_id).where(m.Case.id.in_(list(case_ids))))
        return {int(case_id): crew_id for case_id, crew_id in rows}


def audit_actions(db: Database, action: str) -> list[m.AuditEntry]:
    with db.session_factory() as s:
        return list(s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == action)))


def reason_of(entry: m.AuditEntry) -> object:
    assert entry.payload is not None
    return entry.payload["after"]["reason"]


def drag(widget: QWidget, path: Sequence[QPointF]) -> None:
    """A left-button drag along ``path``, as the mouse sends it."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    steps = [(QEvent.Type.MouseButtonPress, path[0], left, left)]
    steps += [(QEvent.Type.MouseMove, p, none, left) for p in path[1:]]
    steps += [(QEvent.Type.MouseButtonRelease, path[-1], left, none)]
    for kind, at, button, buttons in steps:
        event = QMouseEvent(
            kind, at, widget.mapToGlobal(at), button, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(widget, event)


def rectangle(left: float, top: float, right: float, bottom: float) -> list[QPointF]:
    """The outline of a rectangle, a point every 10 px, as a hand would draw it."""
    corners = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]
    path = []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // 10))
        path += [
            QPointF(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps) for i in range(steps)
        ]
    return [*path, QPointF(left, top)]


def test_lasso_assign_and_undo_are_audited(
    qtbot: QtBot,
    demo_db: Database,
    manager: Actor,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Drain,
) -> None:
    screen = open_screen(qtbot, context_for(manager, "zh"), drain)
    width, height = screen.map.width(), screen.map.height()
    middle = width / 2
    with qtbot.waitSignal(screen.selection_changed, timeout=10_000):
        drag(screen.map, rectangle(4, 4, middle, height - 4))
    drain()
    chosen = screen.selected_ids()
    area = screen.map.area()
    expected = {p.case_id for p in screen.map.points() if contains(area, p.lat, p.lon)}
    assert set(chosen) == expected
    assert 0 < len(chosen) < len(screen.map.points())
    # The lasso is read back into coordinates correctly: every chosen case is drawn left of it.
    for case_id in chosen:
        at = screen.map.position_of(case_id)
        assert at is not None
        assert at.x() <= middle + 1
    assert screen.map.selected() == set(chosen)
    assert screen.message.text() == f"圈选区域内有 {len(chosen)} 个可分配案件，已选中。"

    # Without a reason nothing happens, and the screen says why.
    before = placements(demo_db, chosen)
    screen.commands["assign"].trigger()
    drain()
    assert screen.message.text() == "请填写分配理由，它会记入审计日志。"
    assert placements(demo_db, chosen) == before

    target = screen.crew.itemData(1)
    screen.crew.setCurrentIndex(1)
    screen.reason.setText("按片区重新划分")
    with qtbot.waitSignal(screen.assigned, timeout=10_000) as done:
        screen.commands["assign"].trigger()
    drain()
    result: AssignmentResult = done.args[0]
    moved = [moved.case_id for moved in result.moved]
    assert result.changed + result.unchanged == len(chosen)
    assert result.changed == sum(1 for crew in before.values() if crew != target)
    assert set(placements(demo_db, chosen).values()) == {target}
    entries = audit_actions(demo_db, ASSIGNED)
    assert sorted(int(e.entity_id or 0) for e in entries) == sorted(moved)
    assert {e.actor_id for e in entries} == {manager.user_id}
    assert {reason_of(e) for e in entries} == {"按片区重新划分"}
    assert screen.commands["undo"].isEnabled()
    assert screen.map.selected() == set(moved)  # the moved cases stay selected

    # Ctrl+Z puts them back, as an audited re-assignment of its own.
    assert screen.commands["undo"].shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    screen.reason.clear()
    screen.activateWindow()
    screen.table.setFocus()
    qtbot.waitUntil(screen.table.hasFocus)
    with qtbot.waitSignal(screen.undone, timeout=10_000):
        QTest.keyClick(screen.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    drain()
    assert placements(demo_db, chosen) == before
    undone = audit_actions(demo_db, UNDONE)
    assert sorted(int(e.entity_id or 0) for e in undone) == sorted(moved)
    assert {reason_of(e) for e in undone} == {"撤销分配：按片区重新划分"}
    assert not screen.commands["undo"].isEnabled()


def test_assign_every_case_of_the_filter(
    qtbot: QtBot,
    demo_db: Database,
    manager: Actor,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Drain,
) -> None:
    screen = open_screen(qtbot, context_for(manager, "en"), drain)
    source, target = screen.crew.itemData(0), screen.crew.itemData(1)
    screen.crew.setCurrentIndex(1)
    screen.filters.crew.setCurrentIndex(screen.filters.crew.findData(source))
    drain()
    listed = screen.model.ids()
    assert listed
    asked: list[int] = []

    def confirm(count: int) -> bool:
        asked.append(count)
        return True

    screen.confirm = confirm
    screen.reason.setText("crew A is on leave")
    with qtbot.waitSignal(screen.assigned, timeout=10_000) as done:
        screen.commands["assign_all"].trigger()
    drain()
    assert asked == [len(listed)]
    with demo_db.session_factory() as s:
        closed = set(
            s.scalars(
                select(m.Case.id).where(m.Case.id.in_(listed), m.Case.state == CaseState.CLOSED)
            )
        )
    assert done.args[0].changed == len(listed) - len(closed)
    after = placements(demo_db, listed)
    assert all(after[case_id] == (source if case_id in closed else target) for case_id in listed)
    assert screen.message.text().startswith(f"{len(listed) - len(closed)} cases reassigned")
    assert screen.model.rowCount() == len(closed)  # the filter still shows crew A: only those


def test_a_collector_has_no_assign_screen(actor_of: Callable[[Role], Actor]) -> None:
    assert "assign" not in {s.key for s in screens_for(actor_of(Role.COLLECTOR))}
    assert "assign" in {s.key for s in screens_for(actor_of(Role.MANAGER))}
    assert "assign" in {s.key for s in screens_for(actor_of(Role.ADMIN))}


def test_a_manager_of_another_team_is_refused(
    qtbot: QtBot,
    demo_db: Database,
    services: Services,
    manager: Actor,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Drain,
) -> None:
    stranger = next(
        services.users.actor(u.id)
        for u in services.users.active_users()
        if u.role is Role.MANAGER and services.users.actor(u.id).team_id != manager.team_id
    )
    with demo_db.session_factory() as s:
        theirs = list(
            s.scalars(
                select(m.Case.id)
                .where(m.Case.team_id == manager.team_id, m.Case.state == CaseState.ACTIVE)
                .limit(3)
            )
        )
    before = placements(demo_db, theirs)
    screen = open_screen(qtbot, context_for(stranger, "zh"), drain)
    assert set(theirs).isdisjoint(screen.model.ids())  # not even listed
    screen.reason.setText("顺手调整")
    with qtbot.waitSignal(screen.failed, timeout=10_000):
        screen.assign_cases(theirs, screen.crew.itemData(0))
    drain()
    assert screen.message.text().startswith(f"您无权调整案件 {theirs[0]}")
    assert placements(demo_db, theirs) == before
    assert audit_actions(demo_db, ASSIGNED) == []


def test_the_screen_speaks_english_after_a_switch(
    qtbot: QtBot,
    manager: Actor,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Drain,
) -> None:
    screen = open_screen(qtbot, context_for(manager, "zh"), drain)
    screen.retranslate("en")
    texts = [label.text() for label in screen.labels.values()]
    texts += [action.text() for action in screen.commands.values()]
    texts += [screen.count.text(), screen.selection.text(), screen.reason.placeholderText()]
    assert all(text and not any("\u4e00" <= c <= "\u9fff" for c in text) for text in texts)
    assert screen.commands["assign"].text() == "Assign selected"


def test_one_case_taken_off_its_crew_from_the_list(
    qtbot: QtBot,
    demo_db: Database,
    manager: Actor,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Drain,
) -> None:
    screen = open_screen(qtbot, context_for(manager, "zh"), drain)
    screen.table.selectRow(0)
    [case_id] = screen.selected_ids()
    assert screen.selection.text() == "已选 1 个"
    screen.reason.setText("债务人搬家，待重新分配")
    with qtbot.waitSignal(screen.assigned, timeout=10_000) as done:
        screen.commands["unassign"].trigger()
    drain()
    assert done.args[0].changed == 1
    assert placements(demo_db, [case_id]) == {case_id: None}
    row = screen.model.row_of(case_id)
    assert row is not None
    assert screen.model.index(row, 7).data() == ""  # the crew column, reloaded
    assert screen.message.text() == "已重新分配 1 个案件；0 个原本就在目标位置，未改动。"
