"""An internal error in the window reaches the log file, and the dialog names that file; no
personal data reaches the log in a whole session."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.app import logs
from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.storage.database import Database
from fieldvisit.storage.models import Debtor, User
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.context import Services
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.tasks import TaskRunner


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[logs.AppLog]:
    log = logs.configure(tmp_path / "logs")
    yield log
    log.close()


@pytest.fixture
def reporter(app_log: logs.AppLog) -> Iterator[ErrorReporter]:
    errors = ErrorReporter(
        "en", log_file=app_log.file, context=lambda: "screen cases, role manager"
    )
    previous = sys.excepthook
    errors.install_excepthook()
    yield errors
    sys.excepthook = previous


@pytest.fixture
def window(
    qtbot: QtBot,
    services: Services,
    actor_of: Callable[[Role], Actor],
    settings: AppSettings,
    reporter: ErrorReporter,
) -> Iterator[MainWindow]:
    runner = TaskRunner(reporter.report)
    main = MainWindow(
        services,
        actor_of(Role.MANAGER),
        settings=settings,
        tasks=runner,
        errors=reporter,
        lang="en",
        db_display_url="sqlite:///demo.db",
    )
    qtbot.addWidget(main)
    main.show()
    yield main
    runner.shutdown()


def _provoke(window: MainWindow, monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    """A bug in a screen: View ▸ Refresh raises inside a Qt slot."""
    screen = window.show_screen("cases")
    assert screen is not None

    def broken() -> None:
        raise RuntimeError(message)

    monkeypatch.setattr(screen, "refresh", broken)
    window.actions_by_key["refresh"].trigger()


@pytest.mark.qt_no_exception_capture
def test_an_internal_error_is_logged_and_the_dialog_names_the_log(
    qtbot: QtBot,
    window: MainWindow,
    reporter: ErrorReporter,
    app_log: logs.AppLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _provoke(window, monkeypatch, "index 7 out of range in the cases model")
    dialog = reporter.last_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.icon() is QMessageBox.Icon.Critical
    text = dialog.text()
    assert str(app_log.file) in text  # where the log is
    assert "Nothing was lost" in text  # that nothing was lost
    assert "Try the action again" in text  # what to try
    assert "index 7 out of range" in text  # what happened
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = app_log.file.read_text(encoding="utf-8")
    assert "unexpected RuntimeError (screen cases, role manager)" in logged
    assert "index 7 out of range in the cases model" in logged
    assert "Traceback" in logged
    assert "in broken" in logged  # the frame that raised
    dialog.close()


def test_the_help_menu_points_at_the_log_folder(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, app_log: logs.AppLog
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr("fieldvisit.ui.help_menu.open_folder", opened.append)
    window.help_actions.log_folder.trigger()
    assert opened == [app_log.folder]
    assert window.help_actions.log_folder.text().replace("&", "") == "Show log folder"
    assert window.help_actions.log_folder in window.menu_help.actions()


@pytest.mark.parametrize(("lang", "heading"), [("en", "Collectors"), ("zh", "外访员")])
def test_the_manual_opens_offline_in_both_languages(
    qtbot: QtBot, window: MainWindow, lang: str, heading: str
) -> None:
    window.set_language(lang)
    window.help_actions.manual.trigger()
    dialog = window.help_actions.manual_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.browser.toPlainText()
    assert heading in text
    for role in ("Managers", "Compliance") if lang == "en" else ("主管", "合规"):
        assert role in text
    dialog.close()


def _personal_data(database: Database) -> set[str]:
    with database.session_factory() as session:
        people = session.execute(select(Debtor.name, Debtor.phone)).all()
        people += session.execute(select(User.display_name, User.phone)).all()
    return {value for row in people for value in row if value}


@pytest.mark.qt_no_exception_capture
def test_a_session_log_holds_no_names_or_phone_numbers(
    qtbot: QtBot,
    window: MainWindow,
    reporter: ErrorReporter,
    app_log: logs.AppLog,
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    personal = _personal_data(demo_db)
    debtor_name = next(value for value in sorted(personal) if not value.isdigit())
    debtor_phone = next(value for value in sorted(personal) if value.isdigit())
    # Every screen the manager has, then errors whose texts carry personal data, as real ones
    # can (a database error repeats its parameters).
    for spec in window.specs:
        window.show_screen(spec.key)
        qtbot.wait(50)
    _provoke(window, monkeypatch, f"no route for {debtor_name} ({debtor_phone})")
    reporter.report(ValueError(f"[parameters: ('{debtor_name}', '{debtor_phone}')]"))
    logging.getLogger("fieldvisit.test").warning("called %s at %s", debtor_name, debtor_phone)
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = app_log.file.read_text(encoding="utf-8")
    assert "unexpected RuntimeError" in logged  # the session did write to the log
    assert "no route for" in logged
    leaked = sorted(value for value in personal if value in logged)
    assert leaked == []
    if reporter.last_dialog is not None:
        reporter.last_dialog.close()
