"""The permission matrix as data: what each role may and may not do."""

from __future__ import annotations

import pytest

from fieldvisit.domain.access import (
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    may_see_team,
    require_crew,
)
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError


def test_every_role_has_a_row() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_compliance_reads_everything_and_changes_nothing_operational() -> None:
    allowed = ROLE_PERMISSIONS[Role.COMPLIANCE]
    assert {Permission.VIEW_ALL_CASES, Permission.PRINT_RECORDS, Permission.VERIFY_AUDIT} <= allowed
    operational = {
        Permission.PLAN_ROUND,
        Permission.APPROVE_ROUND,
        Permission.ASSIGN_CASES,
        Permission.RECORD_VISIT,
        Permission.CORRECT_VISIT_RECORD,
        Permission.IMPORT_DATA,
    }
    assert not allowed & operational


def test_only_admin_manages_users_and_retention() -> None:
    for role, allowed in ROLE_PERMISSIONS.items():
        assert (Permission.MANAGE_USERS in allowed) == (role == Role.ADMIN)
        assert (Permission.RUN_RETENTION in allowed) == (role == Role.ADMIN)


def test_collectors_never_see_full_personal_data() -> None:
    assert Permission.VIEW_FULL_PERSONAL_DATA not in ROLE_PERMISSIONS[Role.COLLECTOR]


def test_team_roles_see_their_own_team_only() -> None:
    collector = Actor(1, Role.COLLECTOR, team_id=2)
    assert may_see_team(collector, 2)
    assert not may_see_team(collector, 3)
    assert not may_see_team(Actor(1, Role.COLLECTOR), None)
    assert may_see_team(Actor(2, Role.COMPLIANCE), 3)


def test_a_collector_works_only_for_their_own_crew() -> None:
    member = Actor(user_id=1, role=Role.COLLECTOR, team_id=7, crew_ids=frozenset({3}))
    require_crew(member, 3, 7)
    with pytest.raises(PermissionDeniedError) as denied:
        require_crew(member, 4, 7)
    assert denied.value.message.id == "round.error.not_your_crew"
    with pytest.raises(PermissionDeniedError):
        require_crew(member, 3, 8)  # their crew id, but another team's crew


def test_a_manager_works_for_any_crew_of_their_team() -> None:
    manager = Actor(user_id=2, role=Role.MANAGER, team_id=7)
    require_crew(manager, 4, 7)
    with pytest.raises(PermissionDeniedError):
        require_crew(manager, 4, 8)
