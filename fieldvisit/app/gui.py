"""Start-up of the desktop app: settings, language, database, services, sign-in, main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldvisit.app.audit_paths import anchor_daily, audit_key_path
from fieldvisit.app.config import settings_path
from fieldvisit.app.wiring import Backend, open_backend
from fieldvisit.domain.clock import system_clock
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.routing.runner import solve_in_subprocess
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.field.watch_driver import WatcherDriver
from fieldvisit.ui.gc_guard import GuiThreadCollector
from fieldvisit.ui.language import QtTranslations, choose_language
from fieldvisit.ui.login_dialog import password_sign_in
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.user_chooser import SignIn


def _start_watcher(backend: Backend, tasks: TaskRunner) -> WatcherDriver | None:
    """One machine on SQLite has no server-side watcher: the app owns the safety timers then."""
    if backend.database.engine.url.get_backend_name() != "sqlite":
        return None
    watcher = SafetyWatcher(backend.services.safety)
    driver = WatcherDriver(watcher, tasks)
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


def run(url: str, requested_lang: str | None) -> int:
    """Open the window on ``url``; ``requested_lang`` (``--lang``) beats the saved preference."""
    app = _application()
    collector = GuiThreadCollector(parent=app)
    collector.start()
    settings = AppSettings(settings_path())
    lang = choose_language(settings.language, requested_lang)
    qt_translations = QtTranslations(app)
    qt_translations.apply(lang)
    app.setApplicationDisplayName(translate("app.title", lang))
    errors = ErrorReporter(lang)
    errors.install_excepthook()
    try:
        backend = open_backend(url, solver=solve_in_subprocess)
    except FieldVisitError as exc:
        QMessageBox.critical(None, translate("app.title", lang), render(exc.message, lang))
        return 1
    key = audit_key_path(url)
    if not key.is_file():
        # Reading still works; every write will refuse until the key is restored or created.
        QMessageBox.warning(
            None, translate("app.title", lang), translate("error.audit.key_missing", lang, path=key)
        )
    tasks = TaskRunner(errors.report)
    anchor_daily(url, backend.database.session_factory, system_clock)
    watcher = _start_watcher(backend, tasks)
    sign_in = password_sign_in(backend.services.auth, lang)
    session = _Session(backend, settings, tasks, errors, qt_translations, sign_in)
    try:
        if not session.start(lang):
            return 0
        collector.settle()
        return app.exec()
    finally:
        if watcher is not None:
            watcher.stop()
        tasks.shutdown()
        settings.sync()
        backend.close()


class _Session:
    """Signs a user in and shows their window; "switch user" signs in again."""

    def __init__(
        self,
        backend: Backend,
        settings: AppSettings,
        tasks: TaskRunner,
        errors: ErrorReporter,
        qt_translations: QtTranslations,
        sign_in: SignIn,
    ) -> None:
        self._backend = backend
        self._settings = settings
        self._tasks = tasks
        self._errors = errors
        self._qt = qt_translations
        self._sign_in = sign_in
        self.window: MainWindow | None = None

    def start(self, lang: str, parent: MainWindow | None = None) -> bool:
        try:
            actor = self._sign_in(parent)
        except FieldVisitError as exc:
            self._errors.report(exc)
            return False
        if actor is None:
            return False
        old, self.window = (
            self.window,
            MainWindow(
                self._backend.services,
                actor,
                settings=self._settings,
                tasks=self._tasks,
                errors=self._errors,
                lang=lang,
                db_display_url=self._backend.database.display_url,
                qt_translations=self._qt,
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
            self.start(self.window.lang, self.window)
