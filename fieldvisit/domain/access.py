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
    RELAY_CHECK_IN = "relay_check_in"
    WATCH_SAFETY = "watch_safety"
    ACKNOWLEDGE_ALARM = "acknowledge_alarm"
    EDIT_RISK_REGISTER = "edit_risk_register"
    EDIT_POLICY = "edit_policy"
    IMPORT_DATA = "import_data"
    PRINT_RECORDS = "print_records"
    VERIFY_AUDIT = "verify_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_DATABASE = "manage_database"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.COLLECTOR: frozenset({_P.VIEW_TEAM_CASES, _P.PLAN_ROUND, _P.RECORD_VISIT}),
    Role.MANAGER: frozenset(
        {
            _P.VIEW_TEAM_CASES,
            _P.VIEW_FULL_PERSONAL_DATA,
            _P.PLAN_ROUND,
            _P.APPROVE_ROUND,
            _P.ASSIGN_CASES,
            _P.RELAY_CHECK_IN,
            _P.WATCH_SAFETY,
            _P.ACKNOWLEDGE_ALARM,
            _P.EDIT_RISK_REGISTER,
            _P.IMPORT_DATA,
            _P.PRINT_RECORDS,
        }
    ),
    Role.SAFETY_LEAD: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.RELAY_CHECK_IN,
            _P.WATCH_SAFETY,
            _P.ACKNOWLEDGE_ALARM,
            _P.EDIT_RISK_REGISTER,
        }
    ),
    # Compliance reads everything and changes nothing operational.
    Role.COMPLIANCE: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.VIEW_FULL_PERSONAL_DATA,
            _P.EDIT_POLICY,
            _P.PRINT_RECORDS,
            _P.VERIFY_AUDIT,
        }
    ),
    Role.ADMIN: frozenset(
        {
            _P.VIEW_ALL_CASES,
            _P.APPROVE_ROUND,
            _P.ASSIGN_CASES,
            _P.IMPORT_DATA,
            _P.VERIFY_AUDIT,
            _P.MANAGE_USERS,
            _P.MANAGE_DATABASE,
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
