"""Closed visit records are never edited: a correction is a new version linked to the old one."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.records.verify import verify_audit
from fieldvisit.services.records.writing import VisitRecordCorrections
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_records_print import actor

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _service(db: Database) -> VisitRecordCorrections:
    clock = FixedClock(NOW)
    return VisitRecordCorrections(db.session_factory, AuditLog(DEMO_AUDIT_KEY, clock), clock)


def _first_record_of(db: Database, team_id: int | None) -> m.VisitRecord:
    with db.session_factory() as session:
        return session.execute(
            select(m.VisitRecord)
            .join(m.Visit)
            .join(m.Case)
            .where(m.Case.team_id == team_id, m.VisitRecord.version == 1)
            .order_by(m.VisitRecord.id)
            .limit(1)
        ).scalar_one()


def test_a_correction_is_a_new_linked_version_and_the_old_one_stays(demo_db: Database) -> None:
    manager = actor(demo_db, "mgr.sh-e")
    old = _first_record_of(demo_db, manager.team_id)
    result = _service(demo_db).correct(
        manager, old.id, {"ptp_amount": Decimal("500.00")}, "金额录入错误"
    )
    with demo_db.session_factory() as session:
        new = session.get_one(m.VisitRecord, result.record_id)
        unchanged = session.get_one(m.VisitRecord, old.id)
    assert (new.version, new.supersedes_id, new.correction_reason) == (2, old.id, "金额录入错误")
    assert new.ptp_amount == Decimal("500.00")
    assert unchanged.content_hash == old.content_hash
    assert unchanged.notes == old.notes
    assert verify_audit(demo_db.session_factory, DEMO_AUDIT_KEY, None).ok


def test_only_the_newest_version_can_be_corrected(demo_db: Database) -> None:
    manager = actor(demo_db, "mgr.sh-e")
    old = _first_record_of(demo_db, manager.team_id)
    _service(demo_db).correct(manager, old.id, {"notes": "补充说明"}, "补充")
    with pytest.raises(ConflictError, match="not_latest"):
        _service(demo_db).correct(manager, old.id, {"notes": "再改"}, "再改")


def test_a_correction_needs_a_reason_and_correctable_fields(demo_db: Database) -> None:
    manager = actor(demo_db, "mgr.sh-e")
    old = _first_record_of(demo_db, manager.team_id)
    with pytest.raises(ValidationError, match="reason_required"):
        _service(demo_db).correct(manager, old.id, {"notes": "x"}, "  ")
    with pytest.raises(ValidationError, match="not_correctable"):
        _service(demo_db).correct(manager, old.id, {"recorded_by": 1}, "换人")


def test_compliance_changes_nothing_operational(demo_db: Database) -> None:
    officer = actor(demo_db, "compliance")
    old = _first_record_of(demo_db, 1)
    with pytest.raises(PermissionDeniedError):
        _service(demo_db).correct(officer, old.id, {"notes": "x"}, "合规修改")


def test_an_orm_edit_of_a_stored_record_is_refused(demo_db: Database) -> None:
    with pytest.raises(ConflictError, match="immutable"), demo_db.session_factory.begin() as s:
        record = s.get_one(m.VisitRecord, 1)
        record.notes = "悄悄改掉"
