"""A team's holiday region, set through the Organisation service, reaches the holiday rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import CaseEligibility, checks_document
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests.services.eligibility_builders import Builder
from tests.services.org_settings import set_team

OFFICER = Actor(user_id=0, role=Role.COMPLIANCE)
EPIPHANY = date(2027, 1, 6)  # a Wednesday: a holiday in Bavaria, an ordinary day in Berlin
BERLIN = "Europe/Berlin"


@pytest.fixture
def lite(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


def _holidays(result: CaseEligibility) -> list[str]:
    return [r.rule for r in result.reasons if r.rule.endswith(".public_holiday")]


def test_a_regional_holiday_counts_for_the_crew_of_that_region_only(lite: Database) -> None:
    build = Builder(lite.session_factory)
    build.user("admin", Role.ADMIN, None)
    munich, berlin = build.team("MUC", "DE", BERLIN), build.team("BER", "DE", BERLIN)
    set_team(lite, munich, holiday_region="BY")
    set_team(lite, berlin, holiday_region="BE")
    south, north = build.crew(munich), build.crew(berlin)
    in_munich, _, _ = build.case(munich, south, tz=BERLIN, lat=48.14, lon=11.58)
    in_berlin, _, _ = build.case(berlin, north, tz=BERLIN, lat=52.52, lon=13.40)
    service = EligibilityService(lite.session_factory)
    bavarian = service.for_case(OFFICER, in_munich, EPIPHANY, south)
    prussian = service.for_case(OFFICER, in_berlin, EPIPHANY, north)
    assert _holidays(bavarian) == ["DE.public_holiday"]
    assert _holidays(prussian) == []
    reason = next(r for r in bavarian.reasons if r.rule == "DE.public_holiday")
    assert reason.message.params["region"] == "DE-BY"
    assert reason.source.en.endswith("team holiday region DE-BY")
    assert "RDG" in reason.source.en  # the profile's legal source stays named
    # The rule set the verdict was made with records the region (its hash changes with it).
    assert bavarian.ruleset.ruleset_hash != prussian.ruleset.ruleset_hash
    assert checks_document(bavarian)["holiday_region"] == "BY"  # stored with a planned stop
    assert checks_document(prussian)["holiday_region"] == "BE"
    set_team(lite, munich, holiday_region=None)
    plain = service.for_case(OFFICER, in_munich, EPIPHANY, south)
    assert _holidays(plain) == []
    assert "holiday_region" not in checks_document(plain)


def test_a_case_under_another_profile_keeps_that_profiles_calendar(lite: Database) -> None:
    build = Builder(lite.session_factory)
    build.user("admin", Role.ADMIN, None)
    team = build.team("LA", "US", "America/Los_Angeles")
    set_team(lite, team, holiday_region="CA")
    crew = build.crew(team, members=1)
    los_angeles, _, _ = build.case(team, crew, tz="America/Los_Angeles", lat=34.05, lon=-118.24)
    boston, _, _ = build.case(
        team, crew, tz="America/New_York", jurisdiction="US-MA", lat=42.36, lon=-71.06
    )
    service = EligibilityService(lite.session_factory)
    chavez, patriots = date(2027, 3, 31), date(2027, 4, 19)
    assert _holidays(service.for_case(OFFICER, los_angeles, chavez, crew)) == ["US.public_holiday"]
    assert _holidays(service.for_case(OFFICER, boston, chavez, crew)) == []
    assert _holidays(service.for_case(OFFICER, boston, patriots, crew)) == ["US-MA.public_holiday"]
    assert _holidays(service.for_case(OFFICER, los_angeles, patriots, crew)) == []
