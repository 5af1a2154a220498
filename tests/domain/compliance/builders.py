"""Shared builders for compliance-engine tests: fixed dates, a quiet baseline visit per profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fieldvisit.domain.compliance import (
    Candidate,
    Contact,
    Policy,
    RuleSet,
    Verdict,
    build_ruleset,
    evaluate,
    load_profile,
)
from fieldvisit.domain.enums import Channel

PROFILES = ("CN", "US", "US-MA", "UK", "IE", "DE")

#: A Tuesday that is no holiday anywhere we test; ``NOTICE`` keeps UK's first-visit rule quiet.
PLAN_DAY = date(2026, 12, 1)
NOTICE = "notice_given"

ZONES = {
    "CN": "Asia/Shanghai",
    "US": "America/New_York",
    "US-MA": "America/New_York",
    "UK": "Europe/London",
    "IE": "Europe/Dublin",
    "DE": "Europe/Berlin",
}
PLACES = {  # a city in each jurisdiction, for daylight_only
    "CN": (31.2304, 121.4737),
    "US": (40.7128, -74.0060),
    "US-MA": (42.3601, -71.0589),
    "UK": (51.5072, -0.1276),
    "IE": (53.3498, -6.2603),
    "DE": (52.5200, 13.4050),
}


def ruleset(profile: str, policy: dict[str, Any] | None = None) -> RuleSet:
    return build_ruleset(load_profile(profile), Policy.from_mapping(policy or {}))


def candidate(profile: str, **kw: Any) -> Candidate:
    """A baseline visit that breaks no rule of ``profile``; keywords change it."""
    flags = frozenset(kw.pop("flags", ())) | {NOTICE}
    lat, lon = PLACES[profile]
    base: dict[str, Any] = {
        "debtor_id": "D1",
        "timezone": ZONES[profile],
        "plan_date": PLAN_DAY,
        "lat": lat,
        "lon": lon,
        "crew_size": 2,
    }
    base.update(kw)
    return Candidate(flags=flags, **base)


def check(profile: str, policy: dict[str, Any] | None = None, **kw: Any) -> Verdict:
    return evaluate(candidate(profile, **kw), ruleset(profile, policy))


def at(profile: str, day: date, hhmm: str) -> datetime:
    """A local time on ``day`` in the profile's test zone."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), ZoneInfo(ZONES[profile]))


def contact(
    profile: str,
    age: int,
    channel: Channel = Channel.VISIT,
    contacted: bool = True,
    hhmm: str = "10:00",
) -> Contact:
    """A contact ``age`` days before ``PLAN_DAY`` at local ``hhmm``."""
    return Contact(at(profile, PLAN_DAY - timedelta(days=age), hhmm), channel, contacted)


def visits(profile: str, ages: Iterable[int], contacted: bool = True) -> tuple[Contact, ...]:
    return tuple(contact(profile, a, Channel.VISIT, contacted) for a in ages)


def rules_of(verdict: Verdict) -> dict[str, str]:
    """Rule id → severity of every violation (one per rule in these tests)."""
    return {v.rule: str(v.severity) for v in verdict.violations}
