"""The first run on an empty database and the Organisation screen, driven as a new admin would:
first administrator → team → crew → people in the crew → creditor; refusals name the field."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.admin.first_run import FirstRunDialog, first_run_sign_in
from fieldvisit.ui.admin.org_tab import RecordTab
from fieldvisit.ui.admin.organisation_screen import OrganisationScreen
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.tasks import TaskRunner

CLOCK = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
SCREENSHOTS = os.environ.get("FIELDVISIT_SCREENSHOTS")  # a folder: save the screen there


@pytest.fixture
def empty_db(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def fresh(empty_db: Database) -> Services:
    return build_services(empty_db, AuditLog(b"k" * 32, CLOCK), CLOCK)


def _count(db: Database, model: type[m.Base]) -> int:
    with db.session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_first_run_creates_the_first_admin_and_signs_in(
    qtbot: QtBot, fresh: Services, empty_db: Database
) -> None:
    dialog = FirstRunDialog(fresh, "en")
    qtbot.addWidget(dialog)
    dialog.username.setText("root")
    dialog.password.setText("first-admin-1")
    dialog.again.setText("first-admin-2")
    dialog.buttons.accepted.emit()
    assert "differ" in dialog.message.text()
    assert _count(empty_db, m.User) == 0
    dialog.again.setText("first-admin-1")
    dialog.password.setText("first-admin-1")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None
    assert dialog.actor.role is Role.ADMIN
    assert _count(empty_db, m.User) == 1
    # Once someone exists the window asks for a password instead.
    assert not fresh.org.is_empty()


def test_a_short_password_is_refused_in_the_dialog(qtbot: QtBot, fresh: Services) -> None:
    dialog = FirstRunDialog(fresh, "zh")
    qtbot.addWidget(dialog)
    dialog.password.setText("short")
    dialog.again.setText("short")
    dialog.buttons.accepted.emit()
    assert dialog.actor is None
    assert "8" in dialog.message.text()
    assert callable(first_run_sign_in(fresh, "zh"))


def _screen(
    qtbot: QtBot, services: Services, tasks: TaskRunner, lang: str, tmp: Path
) -> OrganisationScreen:
    admin = services.user_admin.bootstrap_admin("root", "Root", "first-admin-1")
    actor = services.users.actor(admin)
    errors = ErrorReporter(lang, show_dialogs=False)
    context = ScreenContext(services, actor, lang, tasks, errors, AppSettings(tmp / "s.ini"),
                            lambda _text: None)  # fmt: skip
    screen = OrganisationScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1100, 720)
    return screen


def _save(
    qtbot: QtBot, tab: RecordTab, values: dict[str, str], tasks: TaskRunner, *, edit: bool = False
) -> str:
    if not edit:
        tab.clear_form()
    tab.message.clear()
    for name, text in values.items():
        widget = tab.inputs[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentText(text)
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(text)
    tab.save_button.click()
    qtbot.waitUntil(lambda: tab.message.text() != "", timeout=10_000)
    tasks.wait_idle()
    qtbot.wait(50)
    return tab.message.text()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    seen: list[BaseException] = []
    tasks = TaskRunner(seen.append)
    yield tasks
    tasks.shutdown()
    assert seen == []


def test_one_team_set_up_on_the_screen(
    qtbot: QtBot, fresh: Services, empty_db: Database, runner: TaskRunner, tmp_path: Path
) -> None:
    screen = _screen(qtbot, fresh, runner, "en", tmp_path)
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == [
        "Teams", "Crews", "People", "Creditors"]  # fmt: skip
    bad = _save(qtbot, screen.teams, {"code": "SH", "name": "Shanghai", "profile": "CN",
                                      "timezone": "Shanghai"}, runner)  # fmt: skip
    assert bad.startswith("Time zone: is not an IANA time zone")
    assert _count(empty_db, m.Team) == 0
    saved = _save(qtbot, screen.teams, {"code": "SH", "name": "上海浦东外访团队", "profile": "CN",
                                        "timezone": "Asia/Shanghai"}, runner)  # fmt: skip
    assert saved == "Saved."
    qtbot.waitUntil(lambda: screen.teams.model.rowCount() == 1)
    screen.tabs.setCurrentWidget(screen.people)
    for name, display in (("zhang", "张伟"), ("li", "李娜")):
        _save(qtbot, screen.people, {"username": name, "display_name": display,
                                     "role": "collector", "team": "SH"}, runner)  # fmt: skip
    crew = {"team": "SH", "name": "浦东一组", "members": "zhang", "base_lat": "31.2304",
            "base_lon": "121.4737", "shift_start": "08:30", "shift_end": "18:00",
            "max_visits": "8"}  # fmt: skip
    text = _save(qtbot, screen.crews, crew, runner)
    assert "浦东一组 (SH) has 1 member(s) but the CN profile requires 2" in text
    qtbot.waitUntil(lambda: screen.crews.model.rowCount() == 1)
    screen.crews.table.selectRow(0)
    assert screen.crews.inputs["name"].isEnabled() is False  # the key of an existing crew
    text = _save(qtbot, screen.crews, {**crew, "members": "zhang, li"}, runner, edit=True)
    assert text == "Saved."
    qtbot.waitUntil(lambda: screen.crews.model.rows[0]["members"] == "li, zhang")
    _save(qtbot, screen.creditors, {"code": "ACME", "name": "ACME Bank", "currency": "cny"},
          runner)  # fmt: skip
    qtbot.waitUntil(lambda: screen.creditors.model.rowCount() == 1)
    assert screen.creditors.model.rows[0]["currency"] == "CNY"
    with empty_db.session_factory() as s:
        actions = list(s.scalars(select(m.AuditEntry.action)))
    assert actions.count("org.crew.member_added") == 2
    assert "org.creditor.created" in actions
    if SCREENSHOTS:
        screen.tabs.setCurrentWidget(screen.crews)
        screen.crews.table.selectRow(0)
        qtbot.wait(100)
        screen.grab().save(str(Path(SCREENSHOTS) / "organisation-en.png"))


def test_person_actions_and_the_chinese_screen(
    qtbot: QtBot, fresh: Services, empty_db: Database, runner: TaskRunner, tmp_path: Path
) -> None:
    screen = _screen(qtbot, fresh, runner, "zh", tmp_path)
    assert screen.tabs.tabText(0) == "团队"
    _save(qtbot, screen.teams, {"code": "SH", "name": "上海浦东外访团队", "profile": "CN",
                                "timezone": "Asia/Shanghai"}, runner)  # fmt: skip
    _save(qtbot, screen.people, {"username": "zhang", "display_name": "张伟",
                                 "role": "collector", "team": "SH"}, runner)  # fmt: skip
    qtbot.waitUntil(lambda: screen.people.model.rowCount() == 2)
    row = [r["username"] for r in screen.people.model.rows].index("zhang")
    screen.people.table.selectRow(row)
    buttons = screen.people.findChildren(type(screen.people.save_button))
    deactivate = next(b for b in buttons if b.text() == "停用")
    deactivate.click()
    qtbot.waitUntil(lambda: "已停用" in screen.people.message.text(), timeout=10_000)
    runner.wait_idle()
    with empty_db.session_factory() as s:
        zhang = s.scalar(select(m.User).where(m.User.username == "zhang"))
        assert zhang is not None
        assert zhang.active is False
    if SCREENSHOTS:
        screen.tabs.setCurrentWidget(screen.crews)
        crew = {"team": "SH", "name": "浦东一组", "members": "", "base_lat": "31.2304",
                "base_lon": "121.4737", "base_address": "上海市黄浦区人民大道 200 号",
                "shift_start": "08:30", "shift_end": "18:00", "max_visits": "8"}  # fmt: skip
        assert "无法安排任何外访" in _save(qtbot, screen.crews, crew, runner)
        qtbot.waitUntil(lambda: screen.crews.model.rowCount() == 1)
        qtbot.wait(100)
        screen.grab().save(str(Path(SCREENSHOTS) / "organisation-zh.png"))


def test_a_manager_sees_only_the_crews_tab(
    qtbot: QtBot, fresh: Services, runner: TaskRunner, tmp_path: Path
) -> None:
    from fieldvisit.domain.organisation import parse_person, parse_team
    from fieldvisit.services.admin.organisation import Entry, OrgBatch

    admin = fresh.users.actor(fresh.user_admin.bootstrap_admin("root", "Root", "first-admin-1"))
    team = parse_team({"code": "SH", "name": "SH", "profile": "CN", "timezone": "Asia/Shanghai"},
                      fresh.org.profiles())  # fmt: skip
    boss = parse_person({"username": "boss", "role": "manager", "team": "SH"})
    fresh.org.apply(admin, OrgBatch(teams=[Entry(team)], people=[Entry(boss)]))
    manager = fresh.users.actor(fresh.users.user_id("boss"))
    context = ScreenContext(fresh, manager, "en", runner, ErrorReporter("en", show_dialogs=False),
                            AppSettings(tmp_path / "s.ini"), lambda _t: None)  # fmt: skip
    screen = OrganisationScreen(context)
    qtbot.addWidget(screen)
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == ["Crews"]
    runner.wait_idle()
