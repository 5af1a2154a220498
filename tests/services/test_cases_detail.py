"""The detail service: masked by default, full data only with permission, each opening logged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.cases.detail import CaseDetails
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_cases import Seeded, actor, seed

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def seeded(database: Database) -> Seeded:
    return seed(database.session_factory)


@pytest.fixture
def details(database: Database) -> CaseDetails:
    return CaseDetails(database.session_factory, FixedClock(NOW))


def _logged(database: Database) -> list[tuple[int, int, datetime, str]]:
    with database.session_factory() as session:
        rows = session.scalars(select(m.AccessLog).order_by(m.AccessLog.id))
        return [(r.user_id, r.debtor_id, r.at, r.purpose) for r in rows]


def test_detail_is_masked_and_complete(
    details: CaseDetails, seeded: Seeded, database: Database
) -> None:
    who = actor(seeded, "col.a", Role.COLLECTOR, "a")
    detail = details.detail(who, seeded.cases["WA001"])
    assert detail.masked
    assert detail.id_number == "310***********1234"
    assert detail.phone == "138****1111"
    home, work = detail.addresses
    assert home.text == "上海市Pudong****"
    assert (home.lat, home.lon) == (31.2, 121.5)
    assert work.text == "上海市黄浦区****"
    assert [n.category for n in home.risk_notes] == ["dog"]
    assert [(a.kind, a.weekday) for a in detail.availability] == [("window", 2)]
    assert [c.occurred_at.day for c in detail.contacts] == [5, 1]  # newest first
    assert [p.status for p in detail.promises] == ["open"]
    assert [str(p.amount) for p in detail.payments] == ["50.00"]
    assert _logged(database) == []  # masked data is not an access to personal data


def test_a_manager_opens_full_data_and_it_is_logged(
    details: CaseDetails, seeded: Seeded, database: Database
) -> None:
    who = actor(seeded, "mgr.a", Role.MANAGER, "a")
    detail = details.full_detail(who, seeded.cases["WA001"], "外访准备")
    assert not detail.masked
    assert detail.phone == "13800001111"
    assert detail.addresses[0].text.endswith("3号楼101室")
    assert _logged(database) == [(seeded.users["mgr.a"], seeded.debtors["WA001"], NOW, "外访准备")]


def test_a_collector_may_not_open_full_data(
    details: CaseDetails, seeded: Seeded, database: Database
) -> None:
    who = actor(seeded, "col.a", Role.COLLECTOR, "a")
    with pytest.raises(PermissionDeniedError):
        details.full_detail(who, seeded.cases["WA001"], "好奇")
    assert _logged(database) == []


def test_a_purpose_is_required(details: CaseDetails, seeded: Seeded, database: Database) -> None:
    who = actor(seeded, "mgr.a", Role.MANAGER, "a")
    with pytest.raises(ValidationError):
        details.full_detail(who, seeded.cases["WA001"], "   ")
    assert _logged(database) == []


def test_another_teams_case_looks_missing(
    details: CaseDetails, seeded: Seeded, database: Database
) -> None:
    manager = actor(seeded, "mgr.a", Role.MANAGER, "a")
    with pytest.raises(NotFoundError):
        details.full_detail(manager, seeded.cases["WA003"], "外访准备")
    with pytest.raises(NotFoundError):
        details.detail(actor(seeded, "col.a", Role.COLLECTOR, "a"), seeded.cases["WA003"])
    assert _logged(database) == []


def test_users_lists_active_users_with_their_role(seeded: Seeded, database: Database) -> None:
    users = UserDirectory(database.session_factory)
    listed = {u.username: (u.role, u.team) for u in users.active_users()}
    assert "retired" not in listed
    assert listed["col.a"] == (Role.COLLECTOR, "Team A")
    assert listed["compliance"] == (Role.COMPLIANCE, None)


def test_actor_of_a_user_carries_team_and_crews(seeded: Seeded, database: Database) -> None:
    users = UserDirectory(database.session_factory)
    who = users.actor(seeded.users["col.a"])
    assert (who.role, who.team_id, who.crew_ids) == (
        Role.COLLECTOR,
        seeded.team_a,
        frozenset({seeded.crew_a}),
    )
    with pytest.raises(NotFoundError):
        users.actor(seeded.users["retired"])
    with database.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(m.AccessLog)) == 0
