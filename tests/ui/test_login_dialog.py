"""The login dialog returns the Actor of a valid login and shows why a login was refused."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.services.admin.auth import AuthService
from fieldvisit.storage.database import Database
from fieldvisit.ui.login_dialog import LoginDialog

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_a_valid_login_accepts_with_the_actor(qtbot: QtBot, demo_db: Database) -> None:
    dialog = LoginDialog(AuthService(demo_db.session_factory, FixedClock(NOW)), "zh")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "登录外访助手"
    dialog.username.setText("compliance")
    dialog.password.setText("demo1234")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None
    assert dialog.actor.role == Role.COMPLIANCE


def test_a_wrong_password_stays_open_with_a_message(qtbot: QtBot, demo_db: Database) -> None:
    dialog = LoginDialog(AuthService(demo_db.session_factory, FixedClock(NOW)), "en", "admin")
    qtbot.addWidget(dialog)
    dialog.password.setText("nope")
    dialog.buttons.accepted.emit()
    assert dialog.actor is None
    assert dialog.message.text() == "Wrong user name or password."
    assert dialog.password.text() == ""
