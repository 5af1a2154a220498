"""Desktop start-up: log, system check, one instance, settings, database, sign-in, window."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldvisit.app import logs, preflight
from fieldvisit.app.audit_paths import anchor_daily, audit_key_path
from fieldvisit.app.config import settings_path
from fieldvisit.app.instance import InstanceLock, lock_path
from fieldvisit.app.wiring import Backend, open_backend, open_remote
from fieldvisit.domain.clock import system_clock
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, system_language, translate
from fieldvisit.routing.runner import solve_in_subprocess
from fieldvisit.ui.admin.first_run import first_run_sign_in
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.field.watch_driver import WatcherDriver
from fieldvisit.ui.gc_guard import GuiThreadCollector
from fieldvisit.ui.language import QtTranslations, choose_language
from fieldvisit.ui.login_dialog import password_sign_in
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.user_chooser import SignIn

if TYPE_CHECKING:
    from fieldvisit.app.remote_client import ServerAddress
    from fieldvisit.services.catalog import Services

EXIT_ALREADY_RUNNING = 4
_log = logging.getLogger(__name__)


def _start_watcher(backend: Backend, tasks: TaskRunner) -> WatcherDriver | None:
    """One machine on SQLite has no server-side watcher: the app owns the safety timers then."""
    if backend.database.engine.url.get_backend_name() != "sqlite":
        return None
    driver = WatcherDriver(backend.watcher(), tasks)
    driver.start()
    return driver


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scale factors (150 %) render crisply instead of being rounded to 100 % or 200 %.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv)
    app.setApplicationName("FieldVisit")
    app.setOrganizationName("FieldVisit")
    # Windows' classic style ignores a dark system theme; Fusion follows the system palette.
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    if dark and app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")
    return app


def _second_instance(lock: InstanceLock, lang: str) -> int:
    """Another window has this database: bring it forward, or say who holds it."""
    holder = lock.holder()
    text = translate(
        "app.instance.running",
        lang,
        pid=holder.pid if holder else "?",
        host=holder.host if holder else "?",
    )
    _log.warning("another instance holds %s", lock.path)
    print(text, file=sys.stderr)
    if not lock.ask_holder_to_raise():
        # The first start does not answer (it is still starting, or hung): explain in a window.
        QMessageBox.information(None, translate("app.instance.running_title", lang), text)
    return EXIT_ALREADY_RUNNING


def _bring_forward() -> None:
    _log.info("a second start asked for this window: bringing it forward")
    window = QApplication.activeModalWidget() or next(
        (w for w in QApplication.topLevelWidgets() if w.isVisible()), None
    )
    if window is not None:
        window.showNormal()
        window.raise_()
        window.activateWindow()


def run(url: str, requested_lang: str | None, server: ServerAddress | None = None) -> int:
    """Open the window on ``url``, or on the team ``server`` (team mode: no database here);
    ``requested_lang`` (``--lang``) beats the saved preference."""
    started = time.monotonic()
    app_log = logs.configure()
    try:
        return _run_checked(url, requested_lang, app_log, started, server)
    finally:
        app_log.close()


def _run_checked(
    url: str,
    requested_lang: str | None,
    app_log: logs.AppLog,
    started: float,
    server: ServerAddress | None = None,
) -> int:
    report = preflight.check()
    if not report.ok:  # Qt would abort the process with its own terse message
        message = report.message(requested_lang or system_language())
        _log.error("Qt system libraries missing: %s", ", ".join(report.missing))
        print(message, file=sys.stderr)
        return preflight.EXIT_MISSING
    app = _application()
    settings = AppSettings(settings_path())
    lang = choose_language(settings.language, requested_lang)
    if server is not None:  # several windows may share one server: no instance lock
        return _run_remote(app, server, lang, settings, app_log)
    lock = InstanceLock(lock_path(url), parent=app)
    if not lock.acquire():
        return _second_instance(lock, lang)
    lock.listen(_bring_forward)
    try:
        return _run_locked(app, url, lang, settings, app_log, started)
    finally:
        lock.release()


def _run_locked(
    app: QApplication,
    url: str,
    lang: str,
    settings: AppSettings,
    app_log: logs.AppLog,
    started: float,
) -> int:
    ui = _Ui(app, lang, app_log)
    try:
        backend = open_backend(url, solver=solve_in_subprocess)
    except FieldVisitError as exc:
        _log.error("database not opened: %s", exc.message.id)
        QMessageBox.critical(None, translate("app.title", lang), render(exc.message, lang))
        return 1
    key = audit_key_path(url)
    if not key.is_file() and not backend.services.org.is_empty():
        # Reading still works; every write will refuse until the key is restored. (A new, empty
        # database gets its key when its first administrator is created.)
        QMessageBox.warning(
            None, translate("app.title", lang), translate("error.audit.key_missing", lang, path=key)
        )
    tasks = TaskRunner(ui.errors.report)
    anchor_daily(url, backend.database.session_factory, system_clock)
    watcher = _start_watcher(backend, tasks)
    # On an empty database the first administrator is created instead of a sign-in.
    sign_in = first_run_sign_in(backend.services, lang, backend.create_key_if_new)
    session = ui.open_session(backend.services, backend.database.display_url, settings, tasks)
    # Fires once the sign-in dialog's event loop runs, i.e. when the window is on screen.
    QTimer.singleShot(
        0, lambda: _log.info("sign-in window shown %.0f ms after start", _elapsed_ms(started))
    )
    try:
        if not session.start(lang, sign_in):
            return 0
        ui.collector.settle()
        return app.exec()
    finally:
        if watcher is not None:
            watcher.stop()
        tasks.shutdown()
        if watcher is not None:
            watcher.retire()
        settings.sync()
        backend.close()


def _run_remote(
    app: QApplication,
    server: ServerAddress,
    lang: str,
    settings: AppSettings,
    app_log: logs.AppLog,
) -> int:
    """Team mode: the services are the server's; the watcher and the audit key live there."""
    ui = _Ui(app, lang, app_log)
    remote = open_remote(server, lang=lang)
    tasks = TaskRunner(ui.errors.report)
    sign_in = password_sign_in(remote.services.auth, lang)
    session = ui.open_session(remote.services, remote.display_url, settings, tasks)
    try:
        if not session.start(lang, sign_in):
            return 0
        remote.feed.start()
        ui.collector.settle()
        return app.exec()
    finally:
        remote.feed.stop()  # first: a late change would start work on the stopped worker
        tasks.shutdown()
        settings.sync()
        remote.close()


class _Ui:
    """What both modes set up before a sign-in: GC on the GUI thread, Qt's own translations, the
    error reporter (whose log context names the screen once a session has one)."""

    def __init__(self, app: QApplication, lang: str, app_log: logs.AppLog) -> None:
        self.collector = GuiThreadCollector(parent=app)
        self.collector.start()
        self.translations = QtTranslations(app)
        self.translations.apply(lang)
        app.setApplicationDisplayName(translate("app.title", lang))
        self.session: _Session | None = None
        self.errors = ErrorReporter(
            lang, log_file=app_log.file, context=lambda: _context(self.session)
        )
        self.errors.install_excepthook()

    def open_session(
        self, services: Services, display_url: str, settings: AppSettings, tasks: TaskRunner
    ) -> _Session:
        self.session = _Session(services, display_url, settings, tasks, self.errors)
        self.session.qt_translations = self.translations
        return self.session


def _elapsed_ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _context(session: _Session | None) -> str:
    """What the app was doing, for the log: the screen and the role, never a name."""
    window = session.window if session is not None else None
    if session is None or window is None:
        return "signing in"
    screen = window.current_screen()
    key = next((k for k, w in window.screens.items() if w is screen), "none")
    return f"screen {key}, role {session.role}"


class _Session:
    """Signs a user in and shows their window; "switch user" signs in again."""

    def __init__(
        self,
        services: Services,
        display_url: str,
        settings: AppSettings,
        tasks: TaskRunner,
        errors: ErrorReporter,
    ) -> None:
        self._services = services
        self._display_url = display_url
        self._settings = settings
        self._tasks = tasks
        self._errors = errors
        self.qt_translations: QtTranslations | None = None
        self._sign_in: SignIn | None = None
        self.window: MainWindow | None = None
        self.role = ""

    def start(
        self, lang: str, sign_in: SignIn | None = None, parent: MainWindow | None = None
    ) -> bool:
        self._sign_in = sign_in or self._sign_in
        if self._sign_in is None:
            return False
        try:
            actor = self._sign_in(parent)
        except FieldVisitError as exc:
            self._errors.report(exc)
            return False
        if actor is None:
            return False
        self.role = actor.role.value
        old, self.window = (
            self.window,
            MainWindow(
                self._services,
                actor,
                settings=self._settings,
                tasks=self._tasks,
                errors=self._errors,
                lang=lang,
                db_display_url=self._display_url,
                qt_translations=self.qt_translations,
            ),
        )
        self.window.switch_user_requested.connect(self._on_window_switch_user_requested)
        self.window.show()
        if old is not None:
            old.close()
            old.deleteLater()
        return True

    def _on_window_switch_user_requested(self) -> None:
        if self.window is not None:
            self.start(self.window.lang, parent=self.window)
