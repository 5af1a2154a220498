"""Every message id the compliance engine can return, so a test can demand a translation of each."""

from __future__ import annotations

from collections.abc import Iterable

from fieldvisit.domain.compliance.profiles import RULE_NAMES, STATE_NAMES, Profile
from fieldvisit.domain.enums import Severity

#: Message-id suffixes per rule (``compliance.<rule>.<suffix>``).
RULE_MESSAGES: dict[str, tuple[str, ...]] = {
    "night": ("no_time", "outside"),
    "consent_after_hours": ("outside", "refused"),
    "sunday": ("is_sunday",),
    "public_holiday": ("is_holiday", "is_regional_holiday"),
    "spring_festival": ("in_period",),
    "min_collectors": ("too_few",),
    "max_per_day": ("exceeded",),
    "min_gap_days": ("too_soon", "too_soon_contacted"),
    "max_per_30_days": ("exceeded", "exceeded_contacted"),
    "contacts_today": ("many",),
    "after_conversation": ("recent",),
    "blackout": ("no_time", "outside"),
    "daylight_only": ("no_time", "outside", "no_location", "polar_night"),
    "workplace": ("applies",),
    "third_party": ("applies",),
    "notice_before_first_visit": ("missing",),
    "vulnerable": ("applies",),
    "active_military": ("applies",),
}

#: Ids of the ``ValidationError`` messages raised by this package.
ERROR_MESSAGES: tuple[str, ...] = (
    "compliance.input.bad_time",
    "compliance.input.bad_interval",
    "compliance.input.naive_datetime",
    "compliance.input.bad_timezone",
    "compliance.input.bad_service",
    "compliance.input.negative_count",
    "compliance.input.bad_location",
    "compliance.input.bad_weekday",
    "compliance.input.date_and_weekdays",
    "compliance.profile.unknown",
    "compliance.profile.invalid",
    "compliance.policy.unknown_key",
    "compliance.policy.invalid",
    "compliance.policy.looser",
    "compliance.calendar.bad_override",
    "compliance.calendar.no_lunar_data",
    "compliance.calendar.unknown_region",
)


def display_ids() -> frozenset[str]:
    """Names of rules, case states and severities, for tables and tooltips."""
    names = {f"compliance.rule.{r}" for r in RULE_NAMES}
    names |= {f"compliance.state.{s}" for s in (*STATE_NAMES, "active")}
    names |= {f"compliance.severity.{s.value}" for s in Severity}
    return frozenset(names)


def violation_ids(profiles: Iterable[Profile]) -> frozenset[str]:
    """Message ids of every violation the given profiles can produce."""
    ids: set[str] = set()
    for profile in profiles:
        ids |= {f"compliance.case_state.{s}" for s in profile.states}
        for name, rule in profile.rules.items():
            ids |= {f"compliance.{name}.{suffix}" for suffix in RULE_MESSAGES[name]}
            ids |= {f"compliance.{name}.flag.{flag}" for flag in rule.flags}
    return frozenset(ids)


def all_ids(profiles: Iterable[Profile]) -> frozenset[str]:
    """Violations, errors and display names: everything a surface may need to translate."""
    return violation_ids(profiles) | frozenset(ERROR_MESSAGES) | display_ids()
