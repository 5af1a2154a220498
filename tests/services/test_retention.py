"""Retention anonymises what is past the period, keeps legal holds, is audited, keeps the chain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.domain.retention import RetentionPolicy
from fieldvisit.services import row_seals
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.records.retention import RetentionService
from fieldvisit.services.records.verify import verify_audit
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_records_print import actor

# Three years and a little after the demo's past: every demo record is past retention.
LATER = datetime(2029, 12, 15, tzinfo=UTC)


def _service(db: Database) -> RetentionService:
    clock = FixedClock(LATER)
    audit = AuditLog(DEMO_AUDIT_KEY, clock)
    row_seals.install(db.session_factory, audit)  # as build_services does
    return RetentionService(db.session_factory, audit, clock)


def _hold_first_case_with_records(db: Database) -> int:
    _service(db)  # the seals hook: the hold is an audited edit of the case
    with db.session_factory.begin() as session:
        case_id = session.scalar(select(m.Visit.case_id).order_by(m.Visit.id).limit(1))
        assert case_id is not None
        session.get_one(m.Case, case_id).legal_hold = True
    return case_id


def test_dry_run_reports_and_changes_nothing(demo_db: Database) -> None:
    admin = actor(demo_db, "admin")
    report = _service(demo_db).run(admin, RetentionPolicy(), dry_run=True)
    assert report.records_anonymised > 400
    with demo_db.session_factory() as session:
        assert (
            session.scalar(select(func.count()).where(m.VisitRecord.anonymised_at.is_not(None)))
            == 0
        )
        assert (
            session.scalar(select(func.count()).where(m.AuditEntry.action == "retention.run")) == 0
        )


def test_a_run_anonymises_keeps_holds_is_audited_and_the_chain_verifies(demo_db: Database) -> None:
    admin = actor(demo_db, "admin")
    held = _hold_first_case_with_records(demo_db)
    report = _service(demo_db).run(admin, RetentionPolicy(), dry_run=False)
    assert report.records_held >= 1
    assert report.audit_payloads_redacted > 0
    with demo_db.session_factory() as session:
        rows = session.execute(select(m.VisitRecord, m.Visit.case_id).join(m.Visit)).all()
        run = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "retention.run")
        ).one()
    assert all((r.anonymised_at is None) == (case == held) for r, case in rows)
    assert all(r.notes is None for r, case in rows if case != held)
    assert run.actor_id == admin.user_id
    assert verify_audit(demo_db.session_factory, DEMO_AUDIT_KEY, None).ok


def test_payloads_of_round_entries_touching_a_held_case_are_kept(demo_db: Database) -> None:
    admin = actor(demo_db, "admin")
    held = _hold_first_case_with_records(demo_db)
    with demo_db.session_factory() as session:
        rounds = {
            str(r)
            for r in session.scalars(
                select(m.RoundStop.round_id).where(m.RoundStop.case_id == held)
            )
        }
        touching = select(m.AuditEntry.seq).where(
            m.AuditEntry.entity_type == "round",
            m.AuditEntry.entity_id.in_(rounds),
            m.AuditEntry.at < LATER,
        )
        seqs = set(session.scalars(touching))
    assert seqs, "the held case was visited on some round"
    _service(demo_db).run(admin, RetentionPolicy(), dry_run=False)
    with demo_db.session_factory() as session:
        kept = session.scalars(select(m.AuditEntry).where(m.AuditEntry.seq.in_(seqs))).all()
        others = session.scalars(
            select(m.AuditEntry).where(
                m.AuditEntry.entity_type == "round", m.AuditEntry.entity_id.not_in(rounds)
            )
        ).all()
        other = sum(entry.payload is None for entry in others)
    assert all(entry.payload is not None for entry in kept)
    assert other  # rounds without the held case are redacted as before
    assert verify_audit(demo_db.session_factory, DEMO_AUDIT_KEY, None).ok


def test_china_never_keeps_records_under_two_years() -> None:
    with pytest.raises(ValidationError, match="too_short"):
        RetentionPolicy(years=1, jurisdiction="CN")
    assert RetentionPolicy(years=2).cutoff(LATER) == datetime(2027, 12, 15, tzinfo=UTC)


def test_only_admin_runs_retention(demo_db: Database) -> None:
    with pytest.raises(PermissionDeniedError):
        _service(demo_db).run(actor(demo_db, "compliance"), RetentionPolicy(), dry_run=True)
