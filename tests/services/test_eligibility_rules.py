"""Eligibility rules that do not depend on SQL: case facts, profiles and flags (SQLite only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    Eligibility,
    checks_document,
)
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.eligibility_builders import DAY, Builder

OFFICER = Actor(user_id=0, role=Role.COMPLIANCE)


@pytest.fixture
def lite(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def build(lite: Database) -> Builder:
    return Builder(lite.session_factory)


@pytest.fixture
def service(lite: Database) -> EligibilityService:
    return EligibilityService(lite.session_factory)


def rules(result: CaseEligibility) -> list[str]:
    return [r.rule for r in result.reasons]


def spans(result: CaseEligibility) -> list[str]:
    return [str(i) for i in result.intervals]


def test_a_disputed_case_is_blocked_with_no_time(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, _ = build.case(team, crew, state="disputed")
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert result.status is Eligibility.BLOCKED
    assert rules(result) == ["CN.state.disputed"]
    assert result.intervals == ()


def test_conversations_on_other_channels_count_today(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    for hour in (9, 10, 11):
        build.contact(debtor, DAY, time(hour), channel="call", contacted=True)
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert rules(result) == ["CN.contacts_today"]
    assert result.status is Eligibility.ELIGIBLE  # a warning only


def test_the_address_jurisdiction_chooses_the_profile(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team(profile="US", tz="America/New_York")
    crew = build.crew(team, members=1)
    boston, _, _ = build.case(team, crew, tz="America/New_York", jurisdiction="US-MA")
    texas, _, _ = build.case(team, crew, tz="America/Chicago", jurisdiction="US-TX")
    day = service.for_day(OFFICER, DAY, crew)
    found = day.by_case()
    assert found[boston].profile_id == "US-MA"
    assert found[texas].profile_id == "US"
    assert spans(found[texas]) == ["08:00–21:00"]
    assert {u.profile_id for u in day.rulesets} == {"US", "US-MA"}


def test_the_night_window_holds_in_local_time_on_a_dst_day(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team(profile="US", tz="America/New_York")
    crew = build.crew(team, members=1)
    case_id, _, _ = build.case(team, crew, tz="America/New_York", lat=40.71, lon=-74.0)
    fall_back = date(2026, 11, 1)  # clocks go back at 02:00 in New York
    result = service.for_case(OFFICER, case_id, fall_back, crew)
    assert spans(result) == ["08:00–21:00"]
    assert result.intervals[0].end - result.intervals[0].start == timedelta(hours=13)
    assert [r.rule for r in result.reasons] == ["US.sunday"]


def test_the_case_profile_and_an_explicit_profile_override_the_team(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, _ = build.case(team, crew, rule_profile="DE")
    assert service.for_case(OFFICER, case_id, DAY, crew).profile_id == "DE"
    what_if = service.for_case(OFFICER, case_id, DAY, crew, profile="IE")
    assert what_if.profile_id == "IE"
    assert spans(what_if) == ["09:00–21:00"]


def test_risk_notes_add_daylight_and_two_person_rules(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team(profile="US", tz="America/New_York")
    solo = build.crew(team, members=1)
    case_id, _, address = build.case(team, solo, tz="America/New_York", lat=40.71, lon=-74.0)
    build.risk_note(address, daylight_only=True, two_person=True)
    result = service.for_case(OFFICER, case_id, DAY, solo)
    assert result.status is Eligibility.BLOCKED
    reason = next(r for r in result.reasons if r.rule == "US.min_collectors")
    assert reason.message.id == "eligibility.two_person.too_few"
    duo = build.crew(team, members=2)
    paired = service.for_case(OFFICER, case_id, DAY, duo)
    assert paired.status is Eligibility.ELIGIBLE
    assert paired.intervals[-1].end.time() < time(16, 15)  # sunset in New York ≈ 16:28


def test_a_retired_risk_note_no_longer_applies(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, address = build.case(team, crew)
    build.risk_note(address, daylight_only=True, retired=True)
    assert spans(service.for_case(OFFICER, case_id, DAY, crew)) == ["08:00–22:00"]


def test_consent_after_hours_widens_the_window(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.consent(debtor, "consent_after_hours", DAY - timedelta(days=1))
    assert spans(service.for_case(OFFICER, case_id, DAY, crew)) == ["07:00–23:00"]


def test_a_rejected_round_plans_nothing(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew, other = build.crew(team), build.crew(team)
    case_id, _, address = build.case(team, crew)
    build.planned_stop(other, case_id, address, DAY, status="rejected")
    assert service.for_case(OFFICER, case_id, DAY, crew).status is Eligibility.ELIGIBLE


def test_a_policy_narrowing_the_window_narrows_the_intervals(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, _ = build.case(team, crew)
    build.policy(team, {"contact_window": {"start": "09:00", "end": "20:00"}}, DAY)
    assert spans(service.for_case(OFFICER, case_id, DAY, crew)) == ["09:00–20:00"]


def test_case_flags_states_and_their_end_dates(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    crew = build.crew(team)
    hold, _, _ = build.case(team, crew, legal_hold=True)
    ended, _, _ = build.case(team, crew, state="disputed", state_until=DAY - timedelta(1))
    vulnerable, _, _ = build.case(team, crew, flags=("vulnerable",))
    found = service.for_day(OFFICER, DAY, crew).by_case()
    assert rules(found[hold]) == ["CN.state.legal_hold"]
    assert found[hold].status is Eligibility.BLOCKED
    assert found[ended].status is Eligibility.ELIGIBLE
    assert found[vulnerable].status is Eligibility.NEEDS_APPROVAL


def test_a_crew_of_one_is_too_small_in_china(build: Builder, service: EligibilityService) -> None:
    team = build.team()
    solo = build.crew(team, members=1)
    build.case(team, solo)
    day = service.for_day(OFFICER, DAY, solo)
    assert day.crew_size == 1
    assert rules(day.cases[0]) == ["CN.min_collectors"]


def test_cases_are_found_by_number_and_bad_input_is_refused(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, _, _ = build.case(team, crew)
    number = service.for_case(OFFICER, case_id, DAY, crew).case_number
    assert service.for_case(OFFICER, number, DAY, crew).case_id == case_id
    with pytest.raises(NotFoundError):
        service.for_case(OFFICER, "NO-SUCH", DAY, crew)
    with pytest.raises(NotFoundError):
        service.for_case(OFFICER, case_id, DAY, 999)
    with pytest.raises(ValidationError):
        service.for_case(OFFICER, case_id, DAY, crew, service_minutes=0)


def test_the_cases_screen_filter_keeps_plannable_cases(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    clean, _, _ = build.case(team, crew)
    approval, _, _ = build.case(team, crew, flags=("vulnerable",))
    blocked, _, _ = build.case(team, crew, state="closed")
    unassigned, _, _ = build.case(team, None)
    eligible = service.eligible_filter(OFFICER)
    assert set(eligible([clean, approval, blocked, unassigned], DAY)) == {
        clean,
        approval,
        unassigned,
    }
    strict = service.eligible_filter(OFFICER, include_approval=False)
    assert set(strict([clean, approval, blocked], DAY)) == {clean}


def test_a_case_without_a_primary_address_uses_its_first_one(
    lite: Database, build: Builder, service: EligibilityService
) -> None:
    team = build.team(profile="UK", tz="Europe/London")
    crew = build.crew(team)
    case_id, _, address = build.case(team, crew, tz="Europe/London")
    with lite.session_factory.begin() as s:
        row = s.get(m.Address, address)
        assert row is not None
        row.is_primary = False
        row.kind = "work"
    result = service.for_case(OFFICER, case_id, DAY, crew)
    assert result.timezone == "Europe/London"
    assert "UK.workplace" in rules(result)
    with pytest.raises(ValidationError):
        service.for_day(OFFICER, DAY, None)  # neither a crew nor cases


def test_a_verdict_is_stored_with_its_rule_set_for_the_round(
    build: Builder, service: EligibilityService
) -> None:
    team = build.team()
    crew = build.crew(team)
    case_id, debtor, _ = build.case(team, crew)
    build.contact(debtor, DAY - timedelta(days=2))
    result = service.for_case(OFFICER, case_id, DAY, crew)
    document = checks_document(result)
    assert document["profile"] == "CN"
    assert document["profile_version"] == "2026.1"
    assert document["ruleset_hash"] == result.ruleset_hash
    assert document["status"] == "needs_approval"
    assert document["intervals"] == [["2026-12-02T08:00:00+08:00", "2026-12-02T22:00:00+08:00"]]
    (violation,) = document["violations"]
    assert violation["rule"] == "CN.min_gap_days"
    assert violation["params"]["age"] == "2"
    assert violation["source"]["en"].startswith("GB/T 45251")
