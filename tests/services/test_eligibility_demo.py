"""Eligibility on the demo data set (400 cases, 6 crews, 90 days of history, today 2026-12-01)."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role, Severity
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.conftest import DEMO_TODAY

OFFICER = Actor(user_id=0, role=Role.COMPLIANCE)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _service(db: Database) -> EligibilityService:
    return EligibilityService(db.session_factory)


def test_a_disputed_case_is_blocked(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        case_id, crew_id = s.execute(
            select(m.Case.id, m.Case.crew_id).where(m.Case.state == "disputed").limit(1)
        ).one()
    result = _service(demo_db).for_case(OFFICER, case_id, DEMO_TODAY, crew_id)
    assert result.status is Eligibility.BLOCKED
    assert "CN.state.disputed" in [r.rule for r in result.reasons]
    assert result.intervals == ()


def test_a_case_visited_three_days_ago_needs_approval(demo_db: Database) -> None:
    visited = DEMO_TODAY - timedelta(days=3)
    with demo_db.session_factory() as s:
        rows = s.execute(
            select(m.Case.id, m.Case.crew_id, m.Contact.occurred_at)
            .join(m.Contact, m.Contact.debtor_id == m.Case.debtor_id)
            .where(m.Contact.channel == "visit", m.Case.state == "active")
        ).all()
    case_id, crew_id = next(
        (c, crew) for c, crew, at in rows if at.astimezone(SHANGHAI).date() == visited
    )
    result = _service(demo_db).for_case(OFFICER, case_id, DEMO_TODAY, crew_id)
    gap = next(r for r in result.reasons if r.rule == "CN.min_gap_days")
    assert gap.severity is Severity.APPROVE
    assert gap.message.params["age"] == 3
    assert result.status in (Eligibility.NEEDS_APPROVAL, Eligibility.BLOCKED)


def test_every_demo_case_gets_a_verdict_per_crew(demo_db: Database) -> None:
    service = _service(demo_db)
    with demo_db.session_factory() as s:
        crews = list(s.scalars(select(m.Crew.id).order_by(m.Crew.id)))
    total = 0
    for crew in crews:
        day = service.for_day(OFFICER, DEMO_TODAY, crew)
        total += len(day.cases)
        assert day.crew_size == 2
        assert {u.profile_id for u in day.rulesets} == {"CN"}
        assert day.contact_data_as_of is not None
        for result in day.cases:
            assert (result.status is Eligibility.BLOCKED) == any(
                r.severity is Severity.BLOCK for r in result.reasons
            )
            for interval in result.intervals:  # 07:00–23:00 where the debtor consented
                assert time(7) <= interval.start.time() < interval.end.time() <= time(23)
    assert total == 400


def test_daylight_only_addresses_end_before_sunset(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        rows = s.execute(
            select(m.Case.id, m.Case.crew_id)
            .join(m.Address, (m.Address.debtor_id == m.Case.debtor_id) & m.Address.is_primary)
            .join(m.AddressRiskNote, m.AddressRiskNote.address_id == m.Address.id)
            .where(m.AddressRiskNote.daylight_only, m.Address.lat.is_not(None))
        ).all()
    assert rows
    service = _service(demo_db)
    for case_id, crew_id in rows:
        result = service.for_case(OFFICER, case_id, DEMO_TODAY, crew_id)
        if result.intervals:
            assert result.intervals[-1].end.time() <= time(16, 30)  # Shanghai sunset ≈ 16:52


def test_collectors_get_their_own_team_only(demo_db: Database) -> None:
    with demo_db.session_factory() as s:
        user = s.scalars(select(m.User).where(m.User.role == "collector").limit(1)).one()
        all_ids = list(s.scalars(select(m.Case.id)))
    collector = Actor(user.id, Role.COLLECTOR, user.team_id)
    eligible = _service(demo_db).eligible_filter(collector)(all_ids, DEMO_TODAY)
    with demo_db.session_factory() as s:
        teams = set(s.scalars(select(m.Case.team_id).where(m.Case.id.in_(list(eligible)))))
    assert teams == {user.team_id}
