"""The one place that turns settings into a database, an audit log and the full set of services.

The window, every command and the team server open their backend here, so each of them runs
exactly the same services. Nothing else constructs a service.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from fieldvisit.app.config import data_dir, demo_db_url, resolve_db_url
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock, system_clock

if TYPE_CHECKING:
    from fieldvisit.app.remote_client import ServerAddress
    from fieldvisit.app.remote_services import RemoteBackend
    from fieldvisit.geocoding.settings import GeocodingSettings
    from fieldvisit.services.audit import AuditLog
    from fieldvisit.services.cases.geocoding import GeocodingService
    from fieldvisit.services.catalog import Services, Solver
    from fieldvisit.services.field.watch import SafetyWatcher
    from fieldvisit.storage.database import Database


def db_url(args: argparse.Namespace, *, demo: bool = False) -> str:
    """The URL given with ``--db``; otherwise the demo's own file, or the configured database."""
    explicit: str | None = getattr(args, "db", None)
    if demo and not explicit:
        return demo_db_url()
    return resolve_db_url(explicit).url


def open_database(url: str, *, upgrade: bool = True, existing: bool = False) -> Database:
    """The database at ``url``, reachable and (unless told otherwise) at the newest schema.

    ``existing``: for commands that check or read, which must never create a database (nor its
    folder) where there was none; a missing one is an error naming where they looked.
    """
    from fieldvisit.storage import migrate
    from fieldvisit.storage.database import Database, check_reachable, require_existing

    if existing:
        require_existing(url)
    database = Database.open(url)
    check_reachable(database.engine)
    if existing:
        try:
            require_schema(database)
        except BaseException:
            database.dispose()
            raise
    if upgrade:
        migrate.upgrade(database.engine)
    return database


def require_schema(database: Database) -> None:
    """Refuse a database FieldVisit never set up (an empty file or PostgreSQL database)."""
    from fieldvisit.domain.errors import NotFoundError

    if "alembic_version" not in database.table_names():
        raise NotFoundError("error.db.not_fieldvisit", url=database.display_url)


def open_audit(url: str, clock: Clock, key_file: Path | None = None) -> AuditLog:
    """The audit log of the database at ``url``; its key file is read on the first append, and a
    missing key stops that write with a message naming where it was looked for."""
    from fieldvisit.app.audit_paths import audit_key_path
    from fieldvisit.services.audit import AuditLog, load_key

    path = key_file or audit_key_path(url)
    return AuditLog(lambda: load_key(path), clock)


def build_services(
    database: Database,
    audit: AuditLog,
    clock: Clock = system_clock,
    *,
    outbox: Path | None = None,
    solver: Solver | None = None,
) -> Services:
    """Every service of ``database``, each given exactly what it needs.

    ``outbox`` is the local file where check-ins and check-outs wait while the database cannot be
    reached (default: in the user's data folder); ``solver`` runs the screens' long searches
    (the window passes the child-process planner; default: in this process).
    """
    # Imported here so that commands which never open a database start fast.
    from fieldvisit.routing.planner import solve
    from fieldvisit.services import row_seals
    from fieldvisit.services.admin.auth import AuthService
    from fieldvisit.services.admin.declarations import Declarations
    from fieldvisit.services.admin.organisation import OrgAdmin
    from fieldvisit.services.admin.people import PeopleAdmin
    from fieldvisit.services.admin.sessions import SessionTokens
    from fieldvisit.services.admin.user_admin import UsersAdmin
    from fieldvisit.services.admin.users import UserDirectory
    from fieldvisit.services.cases.detail import CaseDetails
    from fieldvisit.services.cases.queries import CaseQueries
    from fieldvisit.services.catalog import FieldServices, NotifyServices, PlanServices, Services
    from fieldvisit.services.field.board import SafetyBoard
    from fieldvisit.services.field.client import FieldClient
    from fieldvisit.services.field.companion import FieldCompanion
    from fieldvisit.services.field.notify import Notifier
    from fieldvisit.services.field.notify_channels import PushHub
    from fieldvisit.services.field.notify_config import NotifyConfig
    from fieldvisit.services.field.notify_drill import NotifyDrill
    from fieldvisit.services.field.notify_health import WatcherHealth
    from fieldvisit.services.field.notify_log import DeliveryLog
    from fieldvisit.services.field.queue import LocalQueue
    from fieldvisit.services.field.response import SafetyResponse
    from fieldvisit.services.field.risk_register import RiskRegister
    from fieldvisit.services.field.status import SafetyStatus
    from fieldvisit.services.field.store import SafetyDeps
    from fieldvisit.services.field.today import FieldToday
    from fieldvisit.services.importing.service import ImportService
    from fieldvisit.services.planning.assignment import AssignmentService
    from fieldvisit.services.planning.day import PlanningService
    from fieldvisit.services.planning.eligibility import EligibilityService
    from fieldvisit.services.planning.policy import PolicyEditor
    from fieldvisit.services.planning.replanning import ReplanService
    from fieldvisit.services.planning.rounds import RoundService
    from fieldvisit.services.planning.route_sheet import RouteSheetService
    from fieldvisit.services.planning.team import TeamPlanningService
    from fieldvisit.services.records.retention import RetentionService
    from fieldvisit.services.records.statistics import ReportsService
    from fieldvisit.services.records.visit_records import RecordsService

    factory = database.session_factory
    row_seals.install(factory, audit)
    eligibility = EligibilityService(factory)
    safety = SafetyDeps(factory, audit, clock)
    planning = PlanningService(factory, eligibility, solve)
    rounds = RoundService(factory, audit, clock)
    today, status = FieldToday(safety), SafetyStatus(safety)

    def eligible(actor: Actor, case_ids: Sequence[int], day: date) -> Collection[int]:
        return eligibility.eligible_filter(actor)(case_ids, day)

    cases = CaseQueries(factory, eligibility=eligible)
    return Services(
        cases=cases,
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
            rounds,
            eligibility,
            RouteSheetService(factory, eligibility, clock),
            ReplanService(factory, planning, audit, clock),
            team=TeamPlanningService(factory, eligibility, solve, rounds),
            solver=solver or solve,
        ),
        field=FieldServices(
            today,
            FieldClient(safety, LocalQueue(outbox or data_dir() / "safety-outbox.jsonl")),
            status,
            RiskRegister(safety),
            FieldCompanion(safety, today, status),
        ),
        clock=clock,
        assignment=AssignmentService(factory, audit, clock, cases),
        auth=AuthService(factory, clock),
        user_admin=UsersAdmin(factory, audit, clock),
        retention=RetentionService(factory, audit, clock),
        safety=safety,
        tokens=SessionTokens(factory, clock),
        org=OrgAdmin(factory, audit, clock),
        people=PeopleAdmin(factory, audit, clock),
        declarations=Declarations(factory, audit, clock),
        notify=NotifyServices(
            NotifyConfig(safety),
            notifier := Notifier(safety, hub := PushHub()),
            WatcherHealth(safety),
            hub,
            DeliveryLog(safety),
            NotifyDrill(safety, notifier),
        ),
    )


class Backend:
    """One open database with its audit log and services; close it (or use ``with``) when done."""

    def __init__(
        self,
        url: str,
        database: Database,
        clock: Clock,
        *,
        audit: AuditLog | None = None,
        solver: Solver | None = None,
        outbox: Path | None = None,
    ) -> None:
        self.url, self.database, self.clock = url, database, clock
        self.audit = audit or open_audit(url, clock)
        self._solver, self._outbox = solver, outbox

    @functools.cached_property
    def services(self) -> Services:
        return build_services(
            self.database, self.audit, self.clock, outbox=self._outbox, solver=self._solver
        )

    def geocoding(self, settings: GeocodingSettings) -> GeocodingService:
        """Geocoding with the provider ``settings`` name (commands and set-up screens)."""
        from fieldvisit.geocoding.adapter import GeopyGeocoder
        from fieldvisit.geocoding.zones import zone_finder
        from fieldvisit.services.cases.geocoding import GeocodingService

        return GeocodingService(
            self.database.session_factory,
            GeopyGeocoder(settings),
            self.clock,
            self.audit,
            zone_finder=zone_finder(settings.timezone_library),
        )

    def watcher(self, watcher_id: str | None = None) -> SafetyWatcher:
        """The safety watcher of this database (the app on one machine, or a server); each pass
        ends by delivering what is due (e-mail, webhook, push)."""
        from fieldvisit.services.field.watch import SafetyWatcher

        services = self.services
        return SafetyWatcher(services.safety, watcher_id, after_pass=services.notify.after_pass)

    def create_key_if_new(self, key_file: Path | None = None) -> tuple[Path, str] | None:
        """Setting up a new database creates its audit key (audited): where, and its fingerprint.

        Only while the key file is missing and the chain is empty; a missing key of a chain
        that has entries stays an error (``services.records.keys.init_key`` refuses it).
        """
        from fieldvisit.app.audit_paths import audit_key_path
        from fieldvisit.services.records.keys import init_key

        path = key_file or audit_key_path(self.url)
        if path.is_file():
            return None
        return path, init_key(self.database.session_factory, path, self.clock)

    def anchor_daily(self) -> None:
        """Anchor the chain head outside the database unless that happened within a day."""
        from fieldvisit.app.audit_paths import anchor_store
        from fieldvisit.services.records.anchor import anchor_if_due

        anchor_if_due(self.database.session_factory, anchor_store(self.url), self.clock)

    def close(self) -> None:
        self.database.dispose()

    def __enter__(self) -> Backend:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_backend(
    url: str,
    *,
    clock: Clock = system_clock,
    upgrade: bool = True,
    audit: AuditLog | None = None,
    solver: Solver | None = None,
    outbox: Path | None = None,
    existing: bool = False,
) -> Backend:
    """The database at ``url`` (upgraded unless told otherwise) with its services."""
    database = open_database(url, upgrade=upgrade, existing=existing)
    return Backend(url, database, clock, audit=audit, solver=solver, outbox=outbox)


def open_remote(
    address: ServerAddress, *, lang: str = "en", clock: Clock = system_clock
) -> RemoteBackend:
    """Desktop team mode: the services of the team server at ``address`` (no database here,
    no audit key); sign in through ``services.auth``, then start ``feed`` for pushed changes."""
    from fieldvisit.app.remote_client import ServerConnection
    from fieldvisit.app.remote_services import RemoteBackend

    return RemoteBackend(ServerConnection(address, lang), clock)


def command_backend(
    args: argparse.Namespace,
    *,
    clock: Clock = system_clock,
    upgrade: bool = True,
    demo: bool = False,
    audit_key: Path | None = None,
    existing: bool = False,
) -> Backend:
    """What a command works on: ``--db`` (or the configured database) and its audit key.

    ``existing``: a command that checks or reads opens an existing database only.
    """
    url = db_url(args, demo=demo)
    audit = open_audit(url, clock, audit_key) if audit_key is not None else None
    return open_backend(url, clock=clock, upgrade=upgrade, audit=audit, existing=existing)
