"""Eligibility from the database: facts become candidates, history is read once per batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from fieldvisit.domain.access import Actor
from fieldvisit.domain.compliance import Policy, build_ruleset, load_profile
from fieldvisit.domain.enums import Role, Severity
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    Eligibility,
    SlotRequest,
)
from fieldvisit.storage.database import Database
from tests.services.eligibility_builders import DAY, Builder

OFFICER = Actor(user_id=0, role=Role.COMPLIANCE)


@pytest.fixture
def build(database: Database) -> Builder:
    return Builder(database.session_factory)


@pytest.fixture
def service(database: Database) -> EligibilityService:
    return EligibilityService(database.session_factory)


def rules(result: CaseEligibility) -> list[str]:
    return [r.rule for r in result.reasons]


def spans(result: CaseEligibility) -> list[str]:
    return [str(i) for i in result.intervals]


def test_a_clean_case_is_eligible_all_contact_hours(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, _ = build.case(team, crew)
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert result.status is Eligibility.ELIGIBLE
    assert spans(result) == ["08:00–22:00"]
    assert result.profile_id == "CN"
    assert result.ruleset_hash == build_ruleset(load_profile("CN")).hash
    assert result.ruleset.policy_version is None
    assert result.contact_data_as_of is None


@pytest.mark.parametrize(
    ("days_ago", "expected"), [(3, Eligibility.NEEDS_APPROVAL), (7, Eligibility.ELIGIBLE)]
)
def test_min_gap_counts_calendar_days(
    build: Builder, service: EligibilityService, days_ago: int, expected: Eligibility
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.contact(debtor, DAY - timedelta(days=days_ago), time(23, 30))  # late: the local date
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert result.status is expected
    assert ("CN.min_gap_days" in rules(result)) is (expected is Eligibility.NEEDS_APPROVAL)
    assert result.contact_data_as_of is not None


def test_only_the_rolling_30_days_count(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    for days_ago in (8, 29, 30, 45):  # age 30 is outside the window
        build.contact(debtor, DAY - timedelta(days=days_ago))
    assert "CN.max_per_30_days" not in rules(service.for_case(OFFICER, case_id, DAY, crew))
    build.contact(debtor, DAY - timedelta(days=20))
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert result.status is Eligibility.BLOCKED
    assert "CN.max_per_30_days" in rules(result)


def test_uk_notice_comes_from_consents_or_an_old_visit(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team(profile="UK", tz="Europe/London")
    crew = build.crew(team)
    fresh, _, _ = build.case(team, crew, tz="Europe/London")
    noticed, noticed_debtor, _ = build.case(team, crew, tz="Europe/London")
    build.consent(noticed_debtor, "notice_given", DAY - timedelta(days=10))
    expired, expired_debtor, _ = build.case(team, crew, tz="Europe/London")
    build.consent(expired_debtor, "notice_given", DAY - timedelta(days=90), DAY - timedelta(1))
    visited, visited_debtor, _ = build.case(team, crew, tz="Europe/London")
    build.contact(visited_debtor, DAY - timedelta(days=400), tz="Europe/London")
    build.contact(visited_debtor, DAY - timedelta(days=2), channel="letter", tz="Europe/London")
    found = service.for_day(OFFICER, DAY, crew).by_case()
    notice = "UK.notice_before_first_visit"
    assert notice in rules(found[fresh])
    assert notice not in rules(found[noticed])
    assert notice in rules(found[expired])
    assert notice not in rules(found[visited])
    assert found[visited].status is Eligibility.ELIGIBLE


def test_declared_times_narrow_the_intervals(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.availability(debtor, "blackout", time(12), time(14))
    build.availability(debtor, "window", time(9), time(20), weekday=DAY.weekday())
    build.availability(debtor, "window", time(18), time(19), weekday=(DAY.weekday() + 1) % 7)
    work = build.address(debtor, kind="work")
    build.availability(debtor, "blackout", time(9), time(18), address_id=work)  # not at home
    assert spans(service.for_case(OFFICER, case_id, DAY, crew)) == ["09:00–12:00", "14:00–20:00"]


def test_other_rounds_count_towards_visits_per_day(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew, other = build.crew(team), build.crew(team)
    case_id, _, address = build.case(team, crew)
    build.planned_stop(crew, case_id, address, DAY)  # the crew's own round is being re-planned
    assert service.for_case(OFFICER, case_id, DAY, crew).status is Eligibility.ELIGIBLE
    build.planned_stop(other, case_id, address, DAY)
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert rules(result) == ["CN.max_per_day"]


def test_the_policy_in_force_on_the_date_applies(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.contact(debtor, DAY - timedelta(days=8))
    build.policy(team, {"min_gap_days": 10}, DAY, version=1)
    build.policy(team, {"min_gap_days": 14}, DAY + timedelta(days=1), version=2)
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert rules(result) == ["CN.min_gap_days"]
    assert result.ruleset.policy_version == 1
    policy = Policy.from_mapping({"min_gap_days": 10})
    assert result.ruleset_hash == build_ruleset(load_profile("CN"), policy).hash
    before = service.for_case(OFFICER, case_id, DAY - timedelta(days=1), crew)
    assert before.ruleset.policy_version is None


def test_collectors_see_their_own_team_only(build: Builder, service: EligibilityService) -> None:
    mine, theirs = build.team("A"), build.team("B")
    my_crew, their_crew = build.crew(mine), build.crew(theirs)
    my_case, _, _ = build.case(mine, my_crew)
    their_case, _, _ = build.case(theirs, their_crew)
    collector = build.user("alice", Role.COLLECTOR, mine)
    found = service.for_day(collector, DAY, my_crew, [my_case, their_case])
    assert [c.case_id for c in found.cases] == [my_case]
    with pytest.raises(PermissionDeniedError):
        service.for_case(collector, their_case, DAY, my_crew)
    with pytest.raises(PermissionDeniedError):
        service.for_day(collector, DAY, their_crew)
    manager = build.user("bob", Role.MANAGER, theirs)
    assert service.for_day(manager, DAY, their_crew).cases[0].case_id == their_case


def test_slots_are_rechecked_in_a_fixed_order(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    first, debtor, _ = build.case(team, crew)
    second, _, _ = build.case(team, crew, debtor_id=debtor)  # the same debtor, another case
    alone, _, _ = build.case(team, crew)
    tz = ZoneInfo("Asia/Shanghai")

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime.combine(DAY, time(hour, minute), tz)

    late, ok, twice = service.slot_verdicts(
        OFFICER,
        DAY,
        crew,
        [SlotRequest(alone, at(21, 45)), SlotRequest(first, at(10)), SlotRequest(second, at(11))],
    )
    assert not late.fits
    assert [r.rule for r in late.reasons] == ["CN.night"]
    assert late.status is Eligibility.BLOCKED
    assert late.end - late.start == timedelta(minutes=30)
    assert [r.rule for r in ok.reasons] == ["CN.max_per_day"]  # two visits to one debtor
    assert ok.status is twice.status is Eligibility.BLOCKED
    assert not ok.fits


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine, "before_cursor_execute", record)


def test_history_is_read_with_one_query_per_batch(
    build: Builder, service: EligibilityService, statements: list[str]
) -> None:
    team = build.team()
    crew = build.crew(team)
    for _ in range(5):
        _, debtor, _ = build.case(team, crew)
        build.contact(debtor, DAY - timedelta(days=2))
    statements.clear()
    found = service.for_day(OFFICER, DAY, crew)
    assert len(found.cases) == 5
    assert all(r.severity is Severity.APPROVE for c in found.cases for r in c.reasons)
    history = [q for q in statements if "FROM contacts" in q and "occurred_at >=" in q]
    assert len(history) == 1
    assert len(statements) <= 14
