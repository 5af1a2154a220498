"""Printing through the service: role masking on the extracted PDF text, access logging, scope."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.admin.auth import actor_for_user
from fieldvisit.services.records.statistics import ReportsService
from fieldvisit.services.records.visit_records import RecordFilter, RecordsService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def actor(db: Database, username: str) -> Actor:
    with db.session_factory() as session:
        user = session.scalars(select(m.User).where(m.User.username == username)).one()
        return actor_for_user(session, user)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _record_of_team(db: Database, team_id: int | None) -> tuple[int, m.Debtor, m.Address]:
    with db.session_factory() as session:
        record, case = session.execute(
            select(m.VisitRecord, m.Case)
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .join(m.Case, m.Case.id == m.Visit.case_id)
            .where(m.Case.team_id == team_id)
            .order_by(m.VisitRecord.id)
            .limit(1)
        ).one()
        address = next(a for a in case.debtor.addresses if a.is_primary)
        return record.id, case.debtor, address


def test_a_collectors_pdf_shows_personal_data_masked_only(demo_db: Database) -> None:
    collector = actor(demo_db, "col.sh-e.11")
    record_id, debtor, address = _record_of_team(demo_db, collector.team_id)
    pdf = RecordsService(demo_db.session_factory, FixedClock(NOW)).print_visit(
        collector, record_id, "zh"
    )
    text = _text(pdf)
    assert debtor.id_number
    assert debtor.phone
    # Positive control: the masked forms are there, so an empty extraction cannot pass.
    assert debtor.id_number[:3] + "*" in text
    assert debtor.id_number[-4:] in text
    assert debtor.phone[:3] + "****" + debtor.phone[-4:] in text
    assert (address.district or "") + "****" in text
    for secret in (debtor.id_number, debtor.phone, address.text, debtor.name):
        assert secret not in text
    with demo_db.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(m.AccessLog)) == 0


def test_a_collectors_csv_export_is_masked_too(demo_db: Database) -> None:
    collector = actor(demo_db, "col.sh-e.11")
    csv_text = ReportsService(demo_db.session_factory, FixedClock(NOW)).visits_csv(
        collector, date(2026, 11, 1), date(2026, 11, 30), "zh"
    )
    with demo_db.session_factory() as session:
        debtors = session.scalars(
            select(m.Debtor).join(m.Case).where(m.Case.team_id == collector.team_id)
        ).all()
    phones = [d.phone for d in debtors if d.phone and d.phone in csv_text]
    masked = [d for d in debtors if d.phone and d.phone[:3] + "****" + d.phone[-4:] in csv_text]
    assert masked  # positive control
    assert phones == []
    assert not [d.name for d in debtors if f",{d.name}," in csv_text]


def test_compliance_sees_full_data_and_the_opening_is_logged(demo_db: Database) -> None:
    officer = actor(demo_db, "compliance")
    record_id, debtor, _address = _record_of_team(demo_db, 1)
    pdf = RecordsService(demo_db.session_factory, FixedClock(NOW)).print_visit(
        officer, record_id, "zh", purpose="court request 2026-88"
    )
    assert debtor.id_number
    assert debtor.id_number in _text(pdf)
    with demo_db.session_factory() as session:
        log = session.scalars(select(m.AccessLog)).one()
    assert (log.user_id, log.debtor_id, log.purpose) == (
        officer.user_id,
        debtor.id,
        "court request 2026-88",
    )


def test_a_collector_cannot_print_another_teams_record(demo_db: Database) -> None:
    collector = actor(demo_db, "col.sh-e.11")
    other_team = 2 if collector.team_id != 2 else 1
    record_id, _debtor, _address = _record_of_team(demo_db, other_team)
    service = RecordsService(demo_db.session_factory, FixedClock(NOW))
    with pytest.raises(NotFoundError):
        service.print_visit(collector, record_id, "zh")
    rows = service.search(collector, RecordFilter(latest_only=False))
    assert rows
    assert record_id not in {r.record_id for r in rows}


def test_search_filters_by_case_and_outcome(demo_db: Database) -> None:
    service = RecordsService(demo_db.session_factory, FixedClock(NOW))
    officer = actor(demo_db, "compliance")
    every = service.search(officer, RecordFilter())
    promised = service.search(officer, RecordFilter(outcome="promise_to_pay"))
    assert 0 < len(promised) < len(every)
    case = every[0].case_number
    assert {r.case_number for r in service.search(officer, RecordFilter(text=case))} == {case}


def test_a_full_csv_export_is_logged_per_debtor(demo_db: Database) -> None:
    officer = actor(demo_db, "compliance")
    ReportsService(demo_db.session_factory, FixedClock(NOW)).visits_csv(
        officer, date(2026, 11, 20), date(2026, 11, 20), "en"
    )
    with demo_db.session_factory() as session:
        purposes = set(session.scalars(select(m.AccessLog.purpose)))
        count = session.scalar(select(func.count()).select_from(m.AccessLog))
    assert purposes == {"CSV export 2026-11-20..2026-11-20"}
    assert count


def test_a_formula_stored_as_a_name_is_neutralised_in_the_visits_csv(demo_db: Database) -> None:
    officer = actor(demo_db, "compliance")
    service = ReportsService(demo_db.session_factory, FixedClock(NOW))
    first = service.visits_csv(officer, date(2026, 11, 1), date(2026, 11, 30), "en")
    number = first.splitlines()[1].split(",")[2]
    with demo_db.session_factory.begin() as session:
        case = session.scalars(select(m.Case).where(m.Case.case_number == number)).one()
        case.debtor.name = "=cmd|' /C calc'!A0"
    text = service.visits_csv(officer, date(2026, 11, 1), date(2026, 11, 30), "en")
    assert "'=cmd|' /C calc'!A0" in text
    assert ",=cmd" not in text
