"""The full set of services one database offers, as the window, the commands and the server use it.

Built in one place only, ``fieldvisit.app.wiring``; everything else receives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fieldvisit.domain.clock import Clock
from fieldvisit.routing import model as rm
from fieldvisit.routing.planner import solve as solve_here
from fieldvisit.services.admin.auth import AuthService
from fieldvisit.services.admin.declarations import Declarations
from fieldvisit.services.admin.organisation import OrgAdmin
from fieldvisit.services.admin.people import PeopleAdmin
from fieldvisit.services.admin.sessions import SessionTokens
from fieldvisit.services.admin.user_admin import UsersAdmin
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.cases.detail import CaseDetails
from fieldvisit.services.cases.queries import CaseQueries
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.client import FieldClient
from fieldvisit.services.field.companion import FieldCompanion
from fieldvisit.services.field.notify import Notifier
from fieldvisit.services.field.notify_channels import PushHub
from fieldvisit.services.field.notify_config import NotifyConfig
from fieldvisit.services.field.notify_drill import NotifyDrill
from fieldvisit.services.field.notify_health import WatcherHealth
from fieldvisit.services.field.notify_log import DeliveryLog
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.services.field.risk_register import RiskRegister
from fieldvisit.services.field.status import SafetyStatus
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.field.watch import PassHook
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

# A planner that reports progress and can be cancelled: in a child process for the window
# (``routing.runner.solve_in_subprocess``), in this process for commands and tests.
Solver = Callable[..., rm.Plan]


@dataclass(frozen=True)
class PlanServices:
    """What the Plan, Team plan and Approvals screens call."""

    planning: PlanningService
    rounds: RoundService
    eligibility: EligibilityService
    sheets: RouteSheetService | None = None
    replans: ReplanService | None = None  # the mid-day re-plan of a round under way
    team: TeamPlanningService | None = None  # the Team plan screen's (managers)
    solver: Solver = solve_here  # the screens' long searches; the window runs them in a child


@dataclass(frozen=True)
class FieldServices:
    """What a crew uses at the door: today's stops, check-in/out (queued offline), risk notes."""

    today: FieldToday
    client: FieldClient
    status: SafetyStatus
    risks: RiskRegister
    companion: FieldCompanion  # the phone's view: door details of today's own round


@dataclass(frozen=True)
class NotifyServices:
    """Escalation that reaches people: routes per team, delivery, watcher health, push hook."""

    config: NotifyConfig
    notifier: Notifier
    health: WatcherHealth
    hub: PushHub  # the board and the team server's event stream subscribe here
    log: DeliveryLog
    drill: NotifyDrill

    @property
    def after_pass(self) -> tuple[PassHook, ...]:
        """What every watcher runs after its pass: check the other watchers, then deliver."""
        return (self.health.check, self.notifier.run)


@dataclass(frozen=True)
class Services:
    """Every use case of one database, built once (``fieldvisit.app.wiring``)."""

    cases: CaseQueries
    case_details: CaseDetails
    eligibility: EligibilityService
    users: UserDirectory
    records: RecordsService
    reports: ReportsService
    policy: PolicyEditor
    safety_board: SafetyBoard
    safety_response: SafetyResponse
    imports: ImportService
    plan: PlanServices
    field: FieldServices
    clock: Clock
    assignment: AssignmentService
    auth: AuthService
    user_admin: UsersAdmin
    retention: RetentionService
    safety: SafetyDeps
    org: OrgAdmin  # teams, crews, creditors, people (the Organisation screen, ``fieldvisit org``)
    people: PeopleAdmin
    declarations: Declarations  # debtors' declared windows, blackouts and consents
    notify: NotifyServices
    tokens: SessionTokens | None = None  # the team server's sign-in sessions
