"""Start-up of the desktop app: settings, language, database, services, sign-in, main window."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldvisit.app.audit_paths import anchor_daily, open_audit
from fieldvisit.app.config import data_dir, settings_path
from fieldvisit.app.runtime import open_database
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock, system_clock
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.routing.planner import solve
from fieldvisit.services.assignment import AssignmentService
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.auth import AuthService
from fieldvisit.services.case_detail import CaseDetails
from fieldvisit.services.cases import CaseQueries
from fieldvisit.services.eligibility import EligibilityService
from fieldvisit.services.field_client import FieldClient
from fieldvisit.services.field_queue import LocalQueue
from fieldvisit.services.field_today import FieldToday
from fieldvisit.services.importing_service import ImportService
from fieldvisit.services.planning import PlanningService
from fieldvisit.services.policy import PolicyEditor
from fieldvisit.services.records import RecordsService
from fieldvisit.services.replanning import ReplanService
from fieldvisit.services.reports import ReportsService
from fieldvisit.services.risk_register import RiskRegister
from fieldvisit.services.rounds import RoundService
from fieldvisit.services.route_sheet import RouteSheetService
from fieldvisit.services.safety_board import SafetyBoard
from fieldvisit.services.safety_response import SafetyResponse
from fieldvisit.services.safety_status import SafetyStatus
from fieldvisit.services.safety_store import SafetyDeps
from fieldvisit.services.safety_watch import SafetyWatcher
from fieldvisit.services.team_planning import TeamPlanningService
from fieldvisit.services.users import UserDirectory
from fieldvisit.storage.database import Database
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.context import FieldServices, Services
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.gc_guard import GuiThreadCollector
from fieldvisit.ui.language import QtTranslations, choose_language
from fieldvisit.ui.login_dialog import password_sign_in
from fieldvisit.ui.main_window import MainWindow
from fieldvisit.ui.plan_workflow import PlanServices
from fieldvisit.ui.safety_watch_driver import WatcherDriver
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.user_chooser import SignIn


def build_services(
    database: Database, audit: AuditLog, clock: Clock = system_clock, outbox: Path | None = None
) -> Services:
    """Every service the UI uses, each given exactly what it needs.

    ``outbox`` is the local file where check-ins and check-outs wait while the database cannot be
    reached (default: in the user's data folder).
    """
    outbox = outbox or data_dir() / "safety-outbox.jsonl"
    factory = database.session_factory
    eligibility = EligibilityService(factory)
    safety = SafetyDeps(factory, audit, clock)
    planning = PlanningService(factory, eligibility, solve)

    def eligible(actor: Actor, case_ids: Sequence[int], day: date) -> Collection[int]:
        return eligibility.eligible_filter(actor)(case_ids, day)

    return Services(
        cases=CaseQueries(factory, eligibility=eligible),
        case_details=CaseDetails(factory, clock),
        eligibility=eligibility,
        users=UserDirectory(factory),
        records=RecordsService(factory, clock),
        reports=ReportsService(factory, clock),
        policy=PolicyEditor(factory, audit, clock),
        safety_board=SafetyBoard(safety),
        safety_response=SafetyResponse(safety),
        imports=ImportService(factory, audit, clock),
        plan=PlanServices(
            planning,
            RoundService(factory, audit, clock),
            eligibility,
            RouteSheetService(factory, eligibility, clock),
            ReplanService(factory, planning, audit, clock),
            team=TeamPlanningService(
                factory, eligibility, solve, RoundService(factory, audit, clock)
            ),
        ),
        field=FieldServices(
            FieldToday(safety),
            FieldClient(safety, LocalQueue(outbox)),
            SafetyStatus(safety),
            RiskRegister(safety),
        ),
        clock=clock,
        assignment=AssignmentService(factory, audit, clock, CaseQueries(factory, eligible)),
    )


def _start_watcher(
    database: Database, services: Services, audit: AuditLog, tasks: TaskRunner
) -> WatcherDriver | None:
    """One machine on SQLite has no server-side watcher: the app owns the safety timers then."""
    if database.engine.url.get_backend_name() != "sqlite":
        return None
    watcher = SafetyWatcher(SafetyDeps(database.session_factory, audit, services.clock))
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
        database = open_database(url)
    except FieldVisitError as exc:
        QMessageBox.critical(None, translate("app.title", lang), render(exc.message, lang))
        return 1
    tasks = TaskRunner(errors.report)
    audit = open_audit(url, system_clock)
    anchor_daily(url, database.session_factory, system_clock)
    services = build_services(database, audit)
    watcher = _start_watcher(database, services, audit, tasks)
    sign_in = password_sign_in(AuthService(database.session_factory, system_clock), lang)
    session = _Session(services, settings, tasks, errors, qt_translations, database, sign_in)
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
        database.dispose()


class _Session:
    """Signs a user in and shows their window; "switch user" signs in again."""

    def __init__(
        self,
        services: Services,
        settings: AppSettings,
        tasks: TaskRunner,
        errors: ErrorReporter,
        qt_translations: QtTranslations,
        database: Database,
        sign_in: SignIn,
    ) -> None:
        self._services = services
        self._settings = settings
        self._tasks = tasks
        self._errors = errors
        self._qt = qt_translations
        self._database = database
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
                self._services,
                actor,
                settings=self._settings,
                tasks=self._tasks,
                errors=self._errors,
                lang=lang,
                db_display_url=self._database.display_url,
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
