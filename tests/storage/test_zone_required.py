"""A team or an address saved without a time zone is refused, never given Shanghai silently."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_team_without_a_zone_is_refused(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session_factory.begin() as s:
        s.add(m.Team(code="T", name="Team", created_at=NOW))


def test_an_address_without_a_zone_is_refused(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session_factory.begin() as s:
        s.add(m.Address(debtor=m.Debtor(name="D", created_at=NOW), text="Somewhere"))
