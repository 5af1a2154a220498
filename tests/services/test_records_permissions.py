"""The permission matrix, enforced by the services themselves: each role against each service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from fieldvisit.domain.access import ROLE_PERMISSIONS, Actor, Permission
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.domain.retention import RetentionPolicy
from fieldvisit.services.admin.user_admin import UsersAdmin
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.records.retention import RetentionService
from fieldvisit.services.records.statistics import ReportsService
from fieldvisit.services.records.visit_records import RecordFilter, RecordsService
from fieldvisit.services.records.writing import VisitRecordCorrections
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_records_print import actor

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
USERS = {
    Role.COLLECTOR: "col.sh-e.11",
    Role.MANAGER: "mgr.sh-e",
    Role.SAFETY_LEAD: "safety.lead",
    Role.COMPLIANCE: "compliance",
    Role.ADMIN: "admin",
}
Action = Callable[[Database, Actor], object]


def _team_record(db: Database, who: Actor) -> int:
    with db.session_factory() as session:
        return session.execute(
            select(m.VisitRecord.id)
            .join(m.Visit)
            .join(m.Case)
            .where(m.Case.team_id == (who.team_id or 1), m.VisitRecord.version == 1)
            .order_by(m.VisitRecord.id)
            .limit(1)
        ).scalar_one()


def _print(db: Database, who: Actor) -> object:
    return RecordsService(db.session_factory, FixedClock(NOW)).search(who, RecordFilter())


def _correct(db: Database, who: Actor) -> object:
    clock = FixedClock(NOW)
    service = VisitRecordCorrections(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock)
    return service.correct(who, _team_record(db, who), {"notes": "更正"}, "笔误")


def _report(db: Database, who: Actor) -> object:
    return ReportsService(db.session_factory, FixedClock(NOW)).team_report(
        who, date(2026, 11, 1), date(2026, 11, 30)
    )


def _retention(db: Database, who: Actor) -> object:
    clock = FixedClock(NOW)
    service = RetentionService(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock)
    return service.run(who, RetentionPolicy(), dry_run=True)


def _manage_users(db: Database, who: Actor) -> object:
    clock = FixedClock(NOW)
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    admin = UsersAdmin(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock, fast)
    return admin.create_user(who, "new.user", "新用户", Role.COLLECTOR, "long-enough-1")


ACTIONS: dict[Permission, Action] = {
    Permission.PRINT_RECORDS: _print,
    Permission.CORRECT_VISIT_RECORD: _correct,
    Permission.VIEW_REPORTS: _report,
    Permission.RUN_RETENTION: _retention,
    Permission.MANAGE_USERS: _manage_users,
}


@pytest.mark.parametrize("permission", list(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_against_each_service(
    demo_db: Database, role: Role, permission: Permission
) -> None:
    who = actor(demo_db, USERS[role])
    assert who.role == role
    if permission in ROLE_PERMISSIONS[role]:
        ACTIONS[permission](demo_db, who)
    else:
        with pytest.raises(PermissionDeniedError):
            ACTIONS[permission](demo_db, who)
