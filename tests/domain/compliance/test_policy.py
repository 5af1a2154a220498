"""Organisation policy: only stricter values, clear refusals, and a stable rule-set hash."""

from __future__ import annotations

from typing import Any

import pytest

from fieldvisit.domain.compliance import Policy, build_ruleset, load_profile, ruleset_hash
from fieldvisit.domain.errors import ValidationError

from .builders import PLAN_DAY, at, check, rules_of, visits


@pytest.mark.parametrize(
    ("profile", "key", "value", "profile_value"),
    [
        ("CN", "contact_window", {"start": "07:30", "end": "20:00"}, "08:00–22:00"),
        ("CN", "contact_window", {"start": "09:00", "end": "22:30"}, "08:00–22:00"),
        ("CN", "min_gap_days", 6, 7),
        ("US-MA", "min_gap_days", 29, 30),
        ("CN", "max_per_day", 2, 1),
        ("CN", "max_per_30_days", 4, 3),
        ("US-MA", "max_per_30_days", 2, 1),
        ("CN", "min_collectors", 1, 2),
        ("US", "min_collectors", 0, 1),
    ],
)
def test_looser_value_is_refused(profile: str, key: str, value: Any, profile_value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        build_ruleset(load_profile(profile), Policy.from_mapping({key: value}))
    message = caught.value.message
    assert message.id == "compliance.policy.looser"
    assert message.params["key"] == key
    assert message.params["profile_value"] == profile_value
    assert str(message.params["offered_value"]).startswith(
        str(value.get("start", value)) if isinstance(value, dict) else str(value)
    )


@pytest.mark.parametrize(
    ("data", "message_id"),
    [
        ({"contact_window": {"start": "25:00", "end": "20:00"}}, "compliance.policy.invalid"),
        ({"contact_window": {"start": "20:00", "end": "09:00"}}, "compliance.policy.invalid"),
        ({"contact_window": "09:00-20:00"}, "compliance.policy.invalid"),
        ({"min_gap_days": "7"}, "compliance.policy.invalid"),
        ({"min_gap_days": True}, "compliance.policy.invalid"),
        ({"max_per_day": -1}, "compliance.policy.invalid"),
        ({"quiet_hours": 3}, "compliance.policy.unknown_key"),
    ],
)
def test_malformed_policy(data: dict[str, Any], message_id: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Policy.from_mapping(data)
    assert caught.value.message.id == message_id


def test_equal_values_are_accepted_and_change_nothing() -> None:
    profile = load_profile("CN")
    same = Policy.from_mapping(
        {"contact_window": {"start": "08:00", "end": "22:00"}, "min_gap_days": 7}
    )
    assert build_ruleset(profile, same).rules == build_ruleset(profile).rules


def test_stricter_policy_applies() -> None:
    policy = {
        "contact_window": {"start": "09:00", "end": "20:00"},
        "min_gap_days": 14,
        "max_per_30_days": 2,
        "min_collectors": 3,
    }
    verdict = check("CN", policy, crew_size=2, history=visits("CN", [10, 20]))
    found = rules_of(verdict)
    assert found == {
        "CN.min_collectors": "block",
        "CN.min_gap_days": "approve",
        "CN.max_per_30_days": "block",
    }
    assert "机构政策" in verdict.violations[0].source.text("zh")
    assert "organisation policy" in verdict.violations[0].source.text("en")
    free = check("CN", policy, crew_size=3)
    assert free.intervals == ((at("CN", PLAN_DAY, "09:00"), at("CN", PLAN_DAY, "20:00")),)


def test_policy_window_also_narrows_consent_window() -> None:
    verdict = check(
        "CN", {"contact_window": {"start": "09:00", "end": "20:00"}}, flags={"consent_after_hours"}
    )
    assert verdict.intervals == ((at("CN", PLAN_DAY, "09:00"), at("CN", PLAN_DAY, "20:00")),)


def test_hash_is_stable_and_sensitive() -> None:
    profile = load_profile("CN")
    a = Policy.from_mapping({"min_gap_days": 10, "max_per_day": 1})
    b = Policy.from_mapping({"max_per_day": 1, "min_gap_days": 10})
    assert ruleset_hash(profile, a) == ruleset_hash(profile, b)
    assert ruleset_hash(profile) == ruleset_hash(profile, Policy())
    assert ruleset_hash(profile, a) != ruleset_hash(profile)
    assert ruleset_hash(profile) != ruleset_hash(load_profile("US"))
    assert ruleset_hash(profile).startswith("sha256:")
    assert len(ruleset_hash(profile)) == 71


def test_verdict_records_profile_version_and_hash() -> None:
    verdict = check("UK")
    assert (verdict.profile_id, verdict.profile_version) == ("UK", load_profile("UK").version)
    assert verdict.ruleset_hash == ruleset_hash(load_profile("UK"))


def test_policy_round_trips() -> None:
    data = {"contact_window": {"start": "09:00", "end": "20:00"}, "min_collectors": 2}
    assert Policy.from_mapping(data).to_mapping() == data
