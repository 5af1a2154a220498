"""The demo data set: its size, its realism, determinism, and that it never touches real data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldvisit.demo.build import create_demo
from fieldvisit.domain.enums import CaseState, Role
from fieldvisit.domain.errors import ValidationError
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.conftest import DEMO_TODAY
from tests.helpers import table_contents


def _migrated(url: str) -> Database:
    db = Database.open(url)
    migrate.upgrade(db.engine)
    return db


def test_demo_creates_exactly_400_cases(demo_db: Database) -> None:
    with demo_db.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(m.Case)) == 400


def test_same_seed_and_day_give_the_same_data(sqlite_url: str, demo_sqlite_file: Path) -> None:
    built = _migrated(sqlite_url)
    create_demo(built.session_factory, seed=0, today=DEMO_TODAY)
    session_demo = Database.open(f"sqlite:///{demo_sqlite_file}")  # seed 0, built earlier
    try:
        assert table_contents(built.engine) == table_contents(session_demo.engine)
    finally:
        session_demo.dispose()


def test_another_seed_gives_other_data(sqlite_url: str, demo_sqlite_file: Path) -> None:
    built = _migrated(sqlite_url)
    create_demo(built.session_factory, seed=1, today=DEMO_TODAY)
    session_demo = Database.open(f"sqlite:///{demo_sqlite_file}")  # seed 0
    try:
        debtors = table_contents(session_demo.engine)["debtors"]
    finally:
        session_demo.dispose()
    assert table_contents(built.engine)["debtors"] != debtors


def test_organisation_has_the_promised_people(demo_db: Database) -> None:
    with demo_db.session_factory() as session:
        roles = dict(session.execute(select(m.User.role, func.count()).group_by(m.User.role)).all())
        crews = session.scalars(select(m.Crew)).all()
        assert session.scalar(select(func.count()).select_from(m.Team)) == 3
        assert roles == {
            Role.COLLECTOR: 12,
            Role.MANAGER: 3,
            Role.SAFETY_LEAD: 1,
            Role.COMPLIANCE: 1,
            Role.ADMIN: 1,
        }
        assert len(crews) == 6
        assert all(len(crew.members) == 2 for crew in crews)


def test_history_covers_90_days_before_today_only(demo_db: Database) -> None:
    with demo_db.session_factory() as session:
        first, last = session.execute(
            select(func.min(m.Contact.occurred_at), func.max(m.Contact.occurred_at))
        ).one()
        channels = set(session.scalars(select(m.Contact.channel).distinct()))
    today = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, tzinfo=UTC)
    assert today - timedelta(days=91) <= _aware(first) < _aware(last) < today
    assert channels == {"visit", "call", "sms", "letter"}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_data_has_the_situations_the_rules_need(demo_db: Database) -> None:
    with demo_db.session_factory() as session:
        states = set(session.scalars(select(m.Case.state).distinct()))
        kinds = set(session.scalars(select(m.Availability.kind).distinct()))
        risky = session.scalar(select(func.count()).select_from(m.AddressRiskNote))
        unlocated = session.scalar(select(func.count()).where(m.Address.lat.is_(None)))
        amounts = session.scalars(select(m.Case.amount_overdue)).all()
    assert CaseState.ACTIVE in states
    assert len(states & {s.value for s in CaseState} - {"active"}) >= 5
    assert kinds == {"window", "blackout"}
    assert risky
    assert unlocated
    assert min(amounts) < 5000 < max(amounts)


def test_demo_refuses_a_database_with_real_data(database: Database) -> None:
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    with database.session_factory.begin() as session:
        session.add(m.User(username="real", display_name="Real", role="admin", created_at=stamp))
    with pytest.raises(ValidationError, match="not_demo_db"):
        create_demo(database.session_factory, seed=0, today=date(2026, 12, 1))


def test_a_second_run_leaves_the_demo_unchanged(demo_db: Database) -> None:
    before = table_contents(demo_db.engine)
    summary = create_demo(demo_db.session_factory, seed=5, today=date(2027, 1, 1))
    assert not summary.created
    assert table_contents(demo_db.engine) == before


def test_demo_runs_on_postgresql_too(database: Database) -> None:
    summary = create_demo(database.session_factory, seed=0, today=DEMO_TODAY)
    assert summary.created
    assert summary.cases == 400
