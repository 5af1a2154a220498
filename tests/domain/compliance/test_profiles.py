"""Profile files: all shipped profiles load, and a broken file names what to fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from fieldvisit.domain.compliance import (
    PROFILE_IDS,
    available_profiles,
    load_profile,
    parse_profile,
)
from fieldvisit.domain.compliance.profiles import RULE_NAMES
from fieldvisit.domain.errors import ValidationError


def test_all_profiles_ship() -> None:
    assert set(available_profiles()) == set(PROFILE_IDS)
    for pid in PROFILE_IDS:
        profile = load_profile(pid)
        assert profile.id == pid
        assert profile.version
        assert set(profile.rules) <= set(RULE_NAMES)
        for rule in profile.rules.values():
            assert rule.source.zh
            assert rule.source.en


def test_unknown_profile() -> None:
    with pytest.raises(ValidationError) as caught:
        load_profile("FR")
    assert caught.value.message.id == "compliance.profile.unknown"
    assert "CN" in caught.value.message.params["available"]


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(dict(load_profile("CN").data))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["rules"]["night"].update(severity="forbid"), "rules.night.severity"),
        (
            lambda d: d["rules"]["night"].update(window={"start": "22:00", "end": "08:00"}),
            "rules.night.window",
        ),
        (lambda d: d["rules"]["min_gap_days"].update(days="7"), "rules.min_gap_days.days"),
        (
            lambda d: d["rules"]["min_gap_days"].pop("contacted_only"),
            "rules.min_gap_days.contacted_only",
        ),
        (lambda d: d["rules"].update(siesta={"severity": "warn"}), "rules.siesta"),
        (lambda d: d["rules"]["night"].update(colour="red"), "rules.night.colour"),
        (
            lambda d: d["rules"]["third_party"].update(flags={"vip": "approve"}),
            "rules.third_party.flags.vip",
        ),
        (lambda d: d["states"].update(sleeping={"severity": "block"}), "states.sleeping"),
        (lambda d: d["states"]["disputed"].update(source="law"), "states.disputed.source"),
        (lambda d: d.pop("version"), "version"),
    ],
)
def test_invalid_profile_names_the_path(change: Any, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_profile(_broken(change))
    assert caught.value.message.id == "compliance.profile.invalid"
    assert caught.value.message.params["path"] == path


def test_a_profile_can_be_corrected_as_data() -> None:
    data = _broken(lambda d: d["rules"]["min_gap_days"].update(days=10))
    assert parse_profile(data).rules["min_gap_days"].number("days") == 10


@pytest.mark.parametrize(
    ("default", "jurisdiction", "expected"),
    [("CN", None, "CN"), ("US", "US-MA", "US-MA"), ("US", "us-ca", "US"), ("CN", "FR", "CN")],
)
def test_effective_profile(default: str, jurisdiction: str | None, expected: str) -> None:
    from fieldvisit.domain.compliance import effective_profile_id

    assert effective_profile_id(default, jurisdiction) == expected
