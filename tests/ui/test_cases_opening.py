"""Opening the Cases screen: built in short steps, each part complete whenever it is read."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.ui.cases.detail_view import CaseDetailPane
from fieldvisit.ui.cases.filters import CaseFilterBar
from fieldvisit.ui.cases.view import CasesScreen
from fieldvisit.ui.context import ScreenContext

ContextFor = Callable[[Actor, str], ScreenContext]


def _screen(
    qtbot: QtBot, context_for: ContextFor, actor_of: Callable[[Role], Actor]
) -> CasesScreen:
    screen = CasesScreen(context_for(actor_of(Role.MANAGER), "zh"))
    qtbot.addWidget(screen)
    return screen


def test_the_screen_builds_its_parts_on_the_event_loop(
    qtbot: QtBot, context_for: ContextFor, actor_of: Callable[[Role], Actor]
) -> None:
    screen = _screen(qtbot, context_for, actor_of)
    assert screen.findChild(CaseDetailPane) is None  # the constructor leaves it for later
    screen.show()
    qtbot.waitUntil(lambda: isinstance(screen.splitter.widget(1), CaseDetailPane), timeout=5000)
    assert screen.findChild(CaseFilterBar) is screen.filters
    pane = screen.splitter.widget(1)
    assert isinstance(pane, CaseDetailPane)
    assert pane is screen.detail
    assert pane.tabs.count() == 5


def test_reading_a_part_before_its_turn_builds_it_complete(
    qtbot: QtBot,
    context_for: ContextFor,
    actor_of: Callable[[Role], Actor],
    drain: Callable[[], None],
) -> None:
    screen = _screen(qtbot, context_for, actor_of)
    pane = screen.detail
    assert screen.splitter.widget(1) is pane
    assert pane.tabs.count() == 5
    assert pane.labels["phone"].text() == "电话"
    assert screen.filters.search.placeholderText()
    drain()


def test_a_stepwise_pane_is_complete_once_it_shows_a_case(qtbot: QtBot) -> None:
    pane = CaseDetailPane("en", True, stepwise=True)
    qtbot.addWidget(pane)
    assert pane.steps_left() > 0
    pane.build_step()
    assert pane.tabs.count() == 1
    pane.show_detail(None)
    assert pane.steps_left() == 0
    assert pane.tabs.tabText(4) == "Rules"
    assert not pane.reveal_button.icon().isNull()


def test_first_start_fits_the_columns_to_the_rows_on_screen(
    qtbot: QtBot,
    context_for: ContextFor,
    actor_of: Callable[[Role], Actor],
    drain: Callable[[], None],
) -> None:
    screen = _screen(qtbot, context_for, actor_of)
    with qtbot.waitSignal(screen.results_shown, timeout=10_000):
        screen.resize(1200, 700)
        screen.show()
    drain()
    table, header = screen.table, screen.table.horizontalHeader()
    last = screen.model.columnCount() - 1  # it stretches
    fitted = [header.sectionSize(c) for c in range(last)]
    # What Qt's own measuring gives (it asks the model for every role of every visible cell).
    table.resizeColumnsToContents()
    metrics = header.fontMetrics()
    for column in range(last):
        title = str(screen.model.headerData(column, Qt.Orientation.Horizontal))
        wanted = metrics.horizontalAdvance(title) + 2 * metrics.height()
        assert fitted[column] == max(header.sectionSize(column), wanted)
