"""Organisation policy (stricter-only overrides of a profile) and the effective, hashed rule set."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from fieldvisit.domain.compliance.calendars import is_subdivision
from fieldvisit.domain.compliance.model import Source, WallInterval
from fieldvisit.domain.compliance.profiles import Profile, RuleSpec
from fieldvisit.domain.enums import Severity
from fieldvisit.domain.errors import ValidationError

POLICY_SOURCE = Source(zh="机构政策", en="organisation policy")

#: Integer policy keys → (profile rule, its number, True when a larger value is stricter).
INT_KEYS: Mapping[str, tuple[str, str, bool]] = {
    "min_gap_days": ("min_gap_days", "days", True),
    "max_per_day": ("max_per_day", "max", False),
    "max_per_30_days": ("max_per_30_days", "max", False),
    "min_collectors": ("min_collectors", "min", True),
}
POLICY_KEYS: tuple[str, ...] = ("contact_window", *INT_KEYS)


@dataclass(frozen=True)
class Policy:
    """An organisation's overrides; ``None`` keeps the profile's value."""

    contact_window: WallInterval | None = None
    min_gap_days: int | None = None
    max_per_day: int | None = None
    max_per_30_days: int | None = None
    min_collectors: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """From the JSON shape of ``spec/solve.md``; malformed values raise ``ValidationError``."""
        unknown = sorted(set(data) - set(POLICY_KEYS))
        if unknown:
            raise ValidationError("compliance.policy.unknown_key", key=unknown[0])
        values: dict[str, Any] = {k: _int_value(k, data[k]) for k in INT_KEYS if k in data}
        if "contact_window" in data:
            values["contact_window"] = _window_value(data["contact_window"])
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The canonical JSON shape (only the keys that are set)."""
        out: dict[str, Any] = {
            k: getattr(self, k) for k in INT_KEYS if getattr(self, k) is not None
        }
        if self.contact_window is not None:
            out["contact_window"] = {
                "start": _hhmm(self.contact_window.start),
                "end": _hhmm(self.contact_window.end),
            }
        return out


def _int_value(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError("compliance.policy.invalid", key=key, value=str(value))
    return value


def _window_value(value: Any) -> WallInterval:
    ok = isinstance(value, dict) and set(value) == {"start", "end"}
    try:
        window = WallInterval.parse(value["start"], value["end"]) if ok else None
    except ValidationError:
        window = None
    if window is None or window.start >= window.end:
        raise ValidationError("compliance.policy.invalid", key="contact_window", value=str(value))
    return window


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A profile with a policy applied: the rules the engine evaluates, and their hash.

    Two rule sets are equal when their hashes are; being hashable lets the engine cache
    per-date work (contact windows, calendars) across the candidates of one batch.
    """

    profile: Profile
    policy: Policy
    rules: Mapping[str, RuleSpec]
    hash: str
    #: The team's holiday calendar subdivision (a German state, a UK nation), when it set one.
    holiday_region: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and other.hash == self.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    @property
    def profile_id(self) -> str:
        return self.profile.id

    @property
    def version(self) -> str:
        return self.profile.version

    def rule(self, name: str) -> RuleSpec | None:
        """The effective rule, or ``None`` when neither profile nor policy has it."""
        return self.rules.get(name)

    @property
    def holiday_subdivision(self) -> str | None:
        """The calendar subdivision holidays are read for: the team's region, else the profile's."""
        return self.holiday_region or self.profile.holiday_subdivision


def build_ruleset(
    profile: Profile, policy: Policy | None = None, holiday_region: str | None = None
) -> RuleSet:
    """Apply ``policy`` to ``profile``; a looser value than the profile's raises ValidationError.

    ``holiday_region`` (the team's setting) replaces the profile's default holiday subdivision;
    one the profile's country does not know raises ValidationError.
    """
    if holiday_region is not None and not is_subdivision(profile.holiday_country, holiday_region):
        raise ValidationError(
            "compliance.calendar.unknown_region",
            region=holiday_region,
            country=profile.holiday_country,
        )
    policy = policy or Policy()
    rules = dict(profile.rules)
    if policy.contact_window is not None:
        rules["night"] = _tighten_window(rules.get("night"), policy.contact_window)
    for key, (name, number, larger_is_stricter) in INT_KEYS.items():
        value = getattr(policy, key)
        if value is not None:
            rules[name] = _tighten_number(rules.get(name), name, number, value, larger_is_stricter)
    digest = ruleset_hash(profile, policy, holiday_region)
    return RuleSet(profile, policy, rules, digest, holiday_region)


def _tighten_window(rule: RuleSpec | None, window: WallInterval) -> RuleSpec:
    if rule is None:
        return RuleSpec("night", Severity.BLOCK, POLICY_SOURCE, window=window)
    assert rule.window is not None  # validated when the profile was loaded
    if window == rule.window:
        return rule
    if window.start < rule.window.start or window.end > rule.window.end:
        raise ValidationError(
            "compliance.policy.looser",
            key="contact_window",
            profile_value=str(rule.window),
            offered_value=str(window),
        )
    return replace(rule, window=window, source=rule.source.plus(POLICY_SOURCE))


def _tighten_number(
    rule: RuleSpec | None, name: str, number: str, value: int, larger_is_stricter: bool
) -> RuleSpec:
    if rule is None:
        return RuleSpec(name, Severity.BLOCK, POLICY_SOURCE, numbers=_defaults(name, number, value))
    current = rule.number(number)
    looser = value < current if larger_is_stricter else value > current
    if looser:
        raise ValidationError(
            "compliance.policy.looser", key=name, profile_value=current, offered_value=value
        )
    if value == current:
        return rule
    numbers = {**rule.numbers, number: value}
    return replace(rule, numbers=numbers, source=rule.source.plus(POLICY_SOURCE))


def _defaults(name: str, number: str, value: int) -> dict[str, int]:
    # A rule the profile lacks but the policy sets: fill the other numbers with the usual defaults.
    return {"window_days": 30, number: value} if name == "max_per_30_days" else {number: value}


def ruleset_hash(
    profile: Profile, policy: Policy | None = None, holiday_region: str | None = None
) -> str:
    """A stable SHA-256 of the profile document and the canonical policy (key order ignored).

    A team's holiday region is part of it only when set, so rule sets without one keep the
    hashes stored with earlier plans.
    """
    document: dict[str, Any] = {
        "profile": profile.data,
        "policy": (policy or Policy()).to_mapping(),
    }
    if holiday_region is not None:
        document["holiday_region"] = holiday_region
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
