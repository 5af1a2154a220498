"""What every screen receives: the services, the signed-in actor, language, worker and settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock
from fieldvisit.services.assignment import AssignmentService
from fieldvisit.services.case_detail import CaseDetails
from fieldvisit.services.cases import CaseQueries
from fieldvisit.services.eligibility import EligibilityService
from fieldvisit.services.field_client import FieldClient
from fieldvisit.services.field_today import FieldToday
from fieldvisit.services.importing_service import ImportService
from fieldvisit.services.policy import PolicyEditor
from fieldvisit.services.records import RecordsService
from fieldvisit.services.reports import ReportsService
from fieldvisit.services.risk_register import RiskRegister
from fieldvisit.services.safety_board import SafetyBoard
from fieldvisit.services.safety_response import SafetyResponse
from fieldvisit.services.safety_status import SafetyStatus
from fieldvisit.services.users import UserDirectory
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.plan_workflow import PlanServices
from fieldvisit.ui.tasks import TaskRunner


@dataclass(frozen=True)
class FieldServices:
    """What a crew uses at the door: today's stops, check-in/out (queued offline), risk notes."""

    today: FieldToday
    client: FieldClient
    status: SafetyStatus
    risks: RiskRegister


@dataclass(frozen=True)
class Services:
    """The use cases the UI calls, built once at start-up (``fieldvisit.app.gui``)."""

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


@dataclass(frozen=True)
class ScreenContext:
    services: Services
    actor: Actor
    lang: str  # the language at creation; later changes arrive through ``retranslate``
    tasks: TaskRunner
    errors: ErrorReporter
    settings: AppSettings
    show_status: Callable[[str], None]
