"""Who may do what: the acting user and the permission matrix the services enforce."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError


@dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: int
    role: Role
    team_id: int | None = None
    crew_ids: frozenset[int] = field(default_factory=frozenset)
    display_name: str = ""


class Permission(StrEnum):
    VIEW_TEAM_CASES = "view_team_cases"
    VIEW_ALL_CASES = "view_all_cases"
    VIEW_FULL_PERSONAL_DATA = "view_full_personal_data"
    PLAN_ROUND = "plan_round"
    APPROVE_ROUND = "approve_round"
    ASSIGN_CASES = "assign_cases"
    RECORD_VISIT = "record_visit"
    CORRECT_VISIT_RECORD = "correct_visit_record"
    RELAY_CHECK_IN = "relay_check_in"
    WATCH_SAFETY = "watch_safety"
    ACKNOWLEDGE_ALARM = "acknowledge_alarm"
    EDIT_RISK_REGISTER = "edit_risk_register"
    EDIT_POLICY = "edit_policy"
    IMPORT_DATA = "import_data"
    PRINT_RECORDS = "print_records"
    VIEW_REPORTS = "view_reports"
    VERIFY_AUDIT = "verify_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_DATABASE = "manage_database"
    RUN_RETENTION = "run_retention"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Collectors print and export their own team's records, always with personal data masked.
    Role.COLLECTOR: frozenset(
        {
            _P.VIEW_TEAM_CASES,
            _P.PLAN_ROUND,
            _P.RECORD_VISIT,
            _P.CORRECT_VISIT_RECORD,
            _P.PRINT_RECORDS,
            _P.VIEW_REPORTS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            _P.VIEW_TEAM_CASES,
            _P.VIEW_FULL_PERSONAL_DATA,
            _P.PLAN_ROUND,
            _P.APPROVE_ROUND,
            _P.ASSIGN_CASES,
            _P.CORRECT_VISIT_RECORD,
            _P.RELAY_CHECK_IN,
            _P.WATCH_SAFETY,
            _P.ACKNOWLEDGE_ALARM,
            _P.EDIT_RISK_REGISTER,
            _P.IMPORT_DATA,
            _P.PRINT_RECORDS,
            _P.VIEW_REPORTS,
        }
    ),
    Role.SAFETY_LEAD: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.RELAY_CHECK_IN,
            _P.WATCH_SAFETY,
            _P.ACKNOWLEDGE_ALARM,
            _P.EDIT_RISK_REGISTER,
            _P.VIEW_REPORTS,
        }
    ),
    # Compliance reads everything and changes nothing operational.
    Role.COMPLIANCE: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.VIEW_FULL_PERSONAL_DATA,
            _P.EDIT_POLICY,
            _P.PRINT_RECORDS,
            _P.VIEW_REPORTS,
            _P.VERIFY_AUDIT,
        }
    ),
    # Admin runs the system (users, database, retention) but reads no debtor's full details.
    Role.ADMIN: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.APPROVE_ROUND,
            _P.ASSIGN_CASES,
            _P.IMPORT_DATA,
            _P.VIEW_REPORTS,
            _P.VERIFY_AUDIT,
            _P.MANAGE_USERS,
            _P.MANAGE_DATABASE,
            _P.RUN_RETENTION,
        }
    ),
}


def allows(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDeniedError unless the actor's role has ``permission``."""
    if not allows(actor, permission):
        raise PermissionDeniedError(
            "error.permission.denied", permission=permission.value, role=actor.role.value
        )


def sees_all_teams(actor: Actor) -> bool:
    return allows(actor, Permission.VIEW_ALL_CASES)


def may_see_team(actor: Actor, team_id: int | None) -> bool:
    """Roles limited to their team see its cases only; a case without a team is nobody's."""
    if sees_all_teams(actor):
        return True
    return (
        allows(actor, Permission.VIEW_TEAM_CASES)
        and team_id is not None
        and (team_id == actor.team_id)
    )


def require_team(actor: Actor, team_id: int | None) -> None:
    if not may_see_team(actor, team_id):
        raise PermissionDeniedError(
            "error.permission.team", role=actor.role.value, team=team_id or "-"
        )


def may_work_for_crew(actor: Actor, crew_id: int) -> bool:
    """A collector plans and prints only for a crew they belong to; other roles for any crew."""
    return actor.role is not Role.COLLECTOR or crew_id in actor.crew_ids


def require_crew(actor: Actor, crew_id: int, team_id: int | None) -> None:
    """The crew's team must be the actor's to see, and a collector must belong to the crew."""
    require_team(actor, team_id)
    if not may_work_for_crew(actor, crew_id):
        raise PermissionDeniedError("round.error.not_your_crew")
