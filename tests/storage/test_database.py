"""Engine settings and column types behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from fieldvisit.domain.errors import ValidationError
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database, parse_url


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_timestamps_come_back_tz_aware_in_utc(database: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    written = datetime(2026, 12, 1, 9, 30, tzinfo=shanghai)
    with database.session_factory.begin() as session:
        session.add(m.Team(code="T", name="Team", timezone="UTC", created_at=written))
    with database.session_factory() as session:
        team = session.query(m.Team).one()
    assert team.created_at == written
    assert team.created_at.tzinfo is not None
    assert team.created_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(database: Database) -> None:
    with (
        pytest.raises(StatementError, match="naive datetime"),
        database.session_factory.begin() as session,
    ):
        session.add(
            m.Team(code="T", name="Team", timezone="UTC", created_at=datetime(2026, 12, 1, 9, 30))
        )
        session.flush()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session_factory.begin() as session:
        session.add(m.Crew(team_id=999, name="ghost"))
        session.flush()
    with database.session_factory() as session:
        assert session.query(m.Crew).count() == 0


def test_case_number_is_unique_per_creditor(database: Database) -> None:
    stamp = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError), database.session_factory.begin() as session:
        creditor = m.Creditor(code="C", name="Creditor")
        debtor = m.Debtor(name="张三", created_at=stamp)
        for _ in range(2):
            session.add(
                m.Case(
                    creditor=creditor,
                    case_number="K1",
                    debtor=debtor,
                    amount_overdue=1,
                    days_past_due=40,
                    placed_on=date(2026, 1, 1),
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        session.flush()


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        parse_url(url)


def test_plain_postgresql_urls_use_psycopg() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
