"""Days are the team's own: a team moved to America/New_York gets New York days in its reports
and records, while the demo's other teams keep the Shanghai days their teams say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.organisation import TeamInput
from fieldvisit.services.admin.auth import actor_for_user
from fieldvisit.services.admin.organisation import Entry, OrgBatch
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.services.records.visit_records import RecordFilter
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
NEW_YORK, SHANGHAI = ZoneInfo("America/New_York"), ZoneInfo("Asia/Shanghai")


def _actor(db: Database, role: str, team_id: int | None = None) -> Actor:
    with db.session_factory() as session:
        query = select(m.User).where(m.User.role == role, m.User.active)
        if team_id is not None:
            query = query.where(m.User.team_id == team_id)
        user = session.scalars(query.order_by(m.User.id).limit(1)).one()
        return actor_for_user(session, user)


@pytest.fixture
def services(demo_db: Database) -> Services:
    clock = FixedClock(NOW)
    return build_services(demo_db, AuditLog(DEMO_AUDIT_KEY, clock), clock)


def _move_team_to_new_york(services: Services, db: Database, team_id: int) -> None:
    admin = _actor(db, "admin")
    team = next(t for t in services.org.teams(admin) if t.id == team_id)
    moved = TeamInput(team.code, team.name, team.profile, "America/New_York", team.holiday_region)
    services.org.apply(admin, OrgBatch(teams=[Entry(moved)]))


def _morning_visit(db: Database, team_id: int) -> tuple[m.Visit, str]:
    """A visit of the team that left before 13:00 in Shanghai: still the day before in New York."""
    with db.session_factory() as session:
        rows = session.execute(
            select(m.Visit, m.User.display_name)
            .join(m.Crew, m.Crew.id == m.Visit.crew_id)
            .join(m.VisitMember, m.VisitMember.visit_id == m.Visit.id)
            .join(m.User, m.User.id == m.VisitMember.user_id)
            .where(m.Crew.team_id == team_id, m.Visit.departed_at.is_not(None))
            .order_by(m.Visit.id)
        ).all()
    for visit, name in rows:
        at = visit.departed_at
        if at is not None and at.astimezone(SHANGHAI).date() != at.astimezone(NEW_YORK).date():
            return visit, name
    raise AssertionError("the demo has no morning visit for this team")


def test_a_new_york_teams_report_counts_new_york_days(
    services: Services, demo_db: Database
) -> None:
    manager = _actor(demo_db, "manager", team_id=1)
    visit, collector = _morning_visit(demo_db, 1)
    assert visit.departed_at is not None
    shanghai_day = visit.departed_at.astimezone(SHANGHAI).date()
    before = services.reports.team_report(manager, shanghai_day, shanghai_day)
    assert any(d.collector == collector and d.day == shanghai_day for d in before.per_collector_day)
    _move_team_to_new_york(services, demo_db, 1)
    new_york_day = visit.departed_at.astimezone(NEW_YORK).date()
    assert new_york_day == shanghai_day - timedelta(days=1)
    after = services.reports.team_report(manager, new_york_day, new_york_day)
    assert any(d.collector == collector and d.day == new_york_day for d in after.per_collector_day)
    assert all(d.day == new_york_day for d in after.per_collector_day)
    csv_text = services.reports.visits_csv(manager, new_york_day, new_york_day, "en")
    assert f"{new_york_day.isoformat()},{collector}," in csv_text
    assert shanghai_day.isoformat() not in csv_text


def test_records_of_a_new_york_team_are_found_and_shown_on_new_york_days(
    services: Services, demo_db: Database
) -> None:
    officer = _actor(demo_db, "compliance")
    with demo_db.session_factory() as session:
        rows = session.execute(
            select(m.VisitRecord, m.Crew.team_id)
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .join(m.Crew, m.Crew.id == m.Visit.crew_id)
            .where(m.Crew.team_id == 1)
            .order_by(m.VisitRecord.id)
        ).all()
    # A record made in the Shanghai morning: the day before in New York.
    record, crew_team = next(
        (r, t)
        for r, t in rows
        if r.recorded_at.astimezone(SHANGHAI).date() != r.recorded_at.astimezone(NEW_YORK).date()
    )
    at = record.recorded_at
    shanghai_day, new_york_day = at.astimezone(SHANGHAI).date(), at.astimezone(NEW_YORK).date()
    found = services.records.search(officer, RecordFilter(start=shanghai_day, end=shanghai_day))
    row = next(r for r in found if r.record_id == record.id)
    assert row.timezone == "Asia/Shanghai"  # the demo's teams say Shanghai
    _move_team_to_new_york(services, demo_db, crew_team)
    found = services.records.search(officer, RecordFilter(start=new_york_day, end=new_york_day))
    row = next(r for r in found if r.record_id == record.id)
    assert row.timezone == "America/New_York"
    days = RecordFilter(start=shanghai_day, end=shanghai_day)
    assert record.id not in {r.record_id for r in services.records.search(officer, days)}
    other = services.records.search(officer, RecordFilter(start=date(2000, 1, 1)))
    assert {r.timezone for r in other if r.team != row.team} <= {"Asia/Shanghai"}
