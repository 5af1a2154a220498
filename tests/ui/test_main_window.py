"""The main window: screens by role, menus and shortcuts, remembered state, language switching."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableView,
    QTableWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor, Permission
from fieldvisit.domain.enums import Role
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.cases.view import CasesScreen
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.screens import SCREENS, ScreenSpec, screens_for
from fieldvisit.ui.tasks import TaskRunner

WindowFor = Callable[..., MainWindow]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def window_for(
    qtbot: QtBot,
    services: Services,
    actor_of: Callable[[Role], Actor],
    settings: AppSettings,
    tasks: TaskRunner,
    errors: ErrorReporter,
    drain: Callable[[], None],
) -> Iterator[WindowFor]:
    def make(
        role: Role, lang: str = "zh", registry: tuple[ScreenSpec, ...] = SCREENS
    ) -> MainWindow:
        window = MainWindow(
            services,
            actor_of(role),
            settings=settings,
            tasks=tasks,
            errors=errors,
            lang=lang,
            db_display_url="sqlite:///demo.db",
            registry=registry,
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        drain()
        return window

    yield make
    drain()


def test_window_opens_on_the_cases_screen_in_chinese(window_for: WindowFor) -> None:
    window = window_for(Role.MANAGER)
    assert window.windowTitle() == "外访助手"
    assert isinstance(window.current_screen(), CasesScreen)
    assert window.nav.item(0).text() == "案件"
    assert "主管" in window.user_label.text()


def test_navigation_lists_only_screens_the_role_can_use(
    window_for: WindowFor, qtbot: QtBot
) -> None:
    def admin_only(context: ScreenContext) -> QWidget:
        return QLabel("admin")

    extra = ScreenSpec("users", "ui.screen.cases", "user", admin_only, (Permission.MANAGE_USERS,))
    window = window_for(Role.COLLECTOR, registry=(*SCREENS, extra))
    keys = [spec.key for spec in window.specs]
    assert keys[0] == "cases"
    assert "users" not in keys
    assert "policy" not in keys
    assert window.show_screen("users") is None


def test_every_role_gets_the_cases_screen(actor_of: Callable[[Role], Actor]) -> None:
    for role in Role:
        assert screens_for(actor_of(role))[0].key == "cases"


def test_actions_have_keyboard_shortcuts(window_for: WindowFor) -> None:
    window = window_for(Role.MANAGER)
    shortcuts = {
        key: action.shortcut()
        for key, action in window.actions_by_key.items()
        if not action.shortcut().isEmpty()
    }
    assert shortcuts["find"] == QKeySequence("Ctrl+F")
    assert shortcuts["quit"] == QKeySequence("Ctrl+Q")
    assert shortcuts["refresh"] == QKeySequence("F5")
    assert window.screen_actions["cases"].shortcut() == QKeySequence("Ctrl+1")


def test_find_focuses_the_search_field(window_for: WindowFor, qtbot: QtBot) -> None:
    window = window_for(Role.MANAGER)
    window.activateWindow()
    window.actions_by_key["find"].trigger()
    screen = window.current_screen()
    assert isinstance(screen, CasesScreen)
    qtbot.waitUntil(screen.filters.search.hasFocus)


def test_window_state_is_remembered(window_for: WindowFor, settings: AppSettings) -> None:
    window = window_for(Role.MANAGER)
    window.resize(760, 520)  # the offscreen screen is 800 × 600
    window.actions_by_key["navigation"].setChecked(False)
    size = window.size()
    window.close()
    again = window_for(Role.MANAGER)
    assert again.size() == size
    assert again.nav_dock.isHidden()
    assert not again.actions_by_key["navigation"].isChecked()
    assert settings.last_screen == "cases"


def _visible_texts(window: MainWindow) -> list[str]:
    """Every string of the window's chrome that a user can read."""
    texts = [window.windowTitle(), window.toolbar.windowTitle(), window.nav_dock.windowTitle()]
    texts += [menu.title() for menu in (window.menu_file, window.menu_view, window.menu_help)]
    texts += [a.text() for a in window.actions_by_key.values()]
    texts += [a.text() for a in window.screen_actions.values()]
    texts += [window.nav.item(i).text() for i in range(window.nav.count())]
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QTableView | QTableWidget):
            model = widget.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal))
                for c in range(model.columnCount())
            ]
    return [t for t in texts if t]


def _data_strings(window: MainWindow, services: Services) -> list[str]:
    """Names from the database (people, teams, crews, places) that are not translated."""
    screen = window.current_screen()
    assert isinstance(screen, CasesScreen)
    detail = screen.detail.detail()
    assert detail is not None
    options = services.cases.filter_options(window._actor)
    names = [c.name for c in (*options.teams, *options.crews)]
    names += [window._actor.display_name, detail.debtor_name]
    names += [a.text for a in detail.addresses] + [
        n.note for a in detail.addresses for n in a.risk_notes
    ]
    names += [a.note or "" for a in detail.availability]
    return sorted(names, key=len, reverse=True)


def test_switching_language_changes_every_visible_string(
    window_for: WindowFor, services: Services, drain: Callable[[], None]
) -> None:
    window = window_for(Role.MANAGER)
    screen = window.current_screen()
    assert isinstance(screen, CasesScreen)
    screen.table.selectRow(0)
    drain()
    chinese = _visible_texts(window)
    window.set_language("en")
    drain()
    english = _visible_texts(window)
    data = _data_strings(window, services)

    def without_data(text: str) -> str:
        for name in data:
            text = text.replace(name, "")
        return text

    left_over = [t for t in english if CJK.search(without_data(t))]
    assert left_over == []
    assert sum(1 for t in chinese if CJK.search(without_data(t))) > 50
    window.set_language("zh")
    drain()
    assert _visible_texts(window) == chinese


def test_quitting_with_planning_not_handed_out_asks_first(window_for: WindowFor) -> None:
    """Issue 20: quitting with an un-handed-out team plan did not ask."""

    class Pending(QWidget):
        def unsaved_work(self) -> str | None:
            return "2026-12-02 的团队规划：尚未下发。"

    window = window_for(Role.MANAGER)
    window.screens["pending"] = Pending(window)
    asked: list[list[str]] = []
    window.confirm_quit = lambda texts: asked.append(texts) or False  # type: ignore[method-assign]
    window.close()
    assert asked == [["2026-12-02 的团队规划：尚未下发。"]]
    assert window.isVisible()  # the answer was Cancel: the window stays
    window.confirm_quit = lambda texts: True  # type: ignore[method-assign]
    window.close()
    assert not window.isVisible()
