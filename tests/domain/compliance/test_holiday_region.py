"""A team's holiday region decides which public holidays the calendar rule sees."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from fieldvisit.domain.compliance import build_ruleset, evaluate, load_profile, parse_profile
from fieldvisit.domain.errors import ValidationError
from tests.domain.compliance.builders import candidate

EPIPHANY = date(2027, 1, 6)  # a Wednesday; a holiday in Bavaria, not in Berlin
ST_ANDREW = date(2026, 11, 30)  # a Monday; a bank holiday in Scotland, not in England


def _holiday(profile_id: str, day: date, region: str | None, profile=None):  # type: ignore[no-untyped-def]
    profile = profile or load_profile(profile_id)
    verdict = evaluate(candidate(profile_id, plan_date=day), build_ruleset(profile, None, region))
    return [v for v in verdict.violations if v.rule.endswith(".public_holiday")], verdict


def test_a_state_holiday_counts_only_for_a_team_in_that_state() -> None:
    bavaria, _ = _holiday("DE", EPIPHANY, "BY")
    berlin, _ = _holiday("DE", EPIPHANY, "BE")
    nationwide, _ = _holiday("DE", EPIPHANY, None)
    assert [v.rule for v in bavaria] == ["DE.public_holiday"]
    assert berlin == []
    assert nationwide == []
    found = bavaria[0]
    assert found.message.id == "compliance.public_holiday.is_regional_holiday"
    assert found.message.params["region"] == "DE-BY"
    assert found.message.params["date"] == "2027-01-06"
    # The refusal names the legal source and the calendar that decided it.
    assert found.source.en.startswith(load_profile("DE").rule("public_holiday").source.en)  # type: ignore[union-attr]
    assert found.source.en.endswith("team holiday region DE-BY")
    assert "DE-BY" in found.source.zh


def test_a_region_replaces_the_profiles_default_nation() -> None:
    scotland, _ = _holiday("UK", ST_ANDREW, "SCT")
    england, _ = _holiday("UK", ST_ANDREW, None)  # the UK profile's default: England and Wales
    assert [v.rule for v in scotland] == ["UK.public_holiday"]
    assert england == []


def test_where_the_holiday_rule_blocks_a_region_decides_the_block() -> None:
    data = copy.deepcopy(dict(load_profile("DE").data))
    data["rules"]["public_holiday"]["severity"] = "block"
    strict = parse_profile(data)
    _, bavaria = _holiday("DE", EPIPHANY, "BY", strict)
    _, berlin = _holiday("DE", EPIPHANY, "BE", strict)
    assert bavaria.blocked_all_day
    assert bavaria.intervals == ()
    assert not berlin.blocked
    assert berlin.intervals


def test_a_region_is_part_of_the_rule_set_hash_only_when_set() -> None:
    profile = load_profile("DE")
    plain = build_ruleset(profile)
    assert build_ruleset(profile, None, None).hash == plain.hash
    assert build_ruleset(profile, None, "BY").hash != plain.hash
    assert build_ruleset(profile, None, "BY").hash != build_ruleset(profile, None, "BE").hash


def test_a_region_the_country_does_not_know_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        build_ruleset(load_profile("DE"), None, "SCT")
    assert caught.value.message.id == "compliance.calendar.unknown_region"
    assert caught.value.message.params == {"region": "SCT", "country": "DE"}
