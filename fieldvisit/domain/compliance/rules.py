"""Day-level rules: one small function per rule, each returning the violation it finds (or none)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from fieldvisit.domain.compliance.calendars import day_info, in_spring_festival
from fieldvisit.domain.compliance.history import HistoryDigest
from fieldvisit.domain.compliance.model import Candidate, Source, Violation
from fieldvisit.domain.compliance.policy import RuleSet
from fieldvisit.domain.compliance.profiles import RuleSpec
from fieldvisit.domain.enums import CaseFlag, Place, Severity
from fieldvisit.domain.messages import Message

SUNDAY = 6


@dataclass(frozen=True)
class Context:
    """What every rule function reads."""

    candidate: Candidate
    ruleset: RuleSet
    history: HistoryDigest

    @property
    def day(self) -> date:
        return self.candidate.plan_date

    def violation(
        self, spec: RuleSpec, message: str, severity: Severity | None = None, **params: Any
    ) -> Violation:
        """A violation of ``spec`` (its severity unless given), message ``compliance.<message>``."""
        return make_violation(self.ruleset, spec, message, severity, **params)


def make_violation(
    ruleset: RuleSet, spec: RuleSpec, message: str, severity: Severity | None = None, **params: Any
) -> Violation:
    """A violation of ``spec`` under ``ruleset`` with message ``compliance.<message>``."""
    return Violation(
        rule=f"{ruleset.profile_id}.{spec.name}",
        severity=severity or spec.severity,
        message=Message(f"compliance.{message}", params),
        source=spec.source,
    )


RuleCheck = Callable[[Context, RuleSpec], "Violation | None"]
CalendarCheck = Callable[[RuleSet, RuleSpec, date], "Violation | None"]


def case_state(ctx: Context) -> Violation | None:
    """A case state the profile lists (an unlisted state behaves like ``active``)."""
    state = str(ctx.candidate.case_state)
    spec = ctx.ruleset.profile.states.get(state)
    if spec is None:
        return None
    return Violation(
        rule=f"{ctx.ruleset.profile_id}.state.{state}",
        severity=spec.severity,
        message=Message(f"compliance.case_state.{state}", {"state": state}),
        source=spec.source,
    )


def _flagged(ctx: Context, spec: RuleSpec) -> Violation:
    """The rule applies; a case flag listed under ``flags`` changes its severity and message."""
    flags = ctx.candidate.flags
    matched = sorted(f for f in spec.flags if f in flags)
    severity = spec.severity_for(flags)
    message = f"{spec.name}.flag.{matched[0]}" if matched else f"{spec.name}.applies"
    return ctx.violation(spec, message, severity)


def workplace(ctx: Context, spec: RuleSpec) -> Violation | None:
    return _flagged(ctx, spec) if ctx.candidate.place == Place.WORK else None


def third_party(ctx: Context, spec: RuleSpec) -> Violation | None:
    return _flagged(ctx, spec) if ctx.candidate.place == Place.THIRD_PARTY else None


def vulnerable(ctx: Context, spec: RuleSpec) -> Violation | None:
    return _flagged(ctx, spec) if CaseFlag.VULNERABLE in ctx.candidate.flags else None


def active_military(ctx: Context, spec: RuleSpec) -> Violation | None:
    return _flagged(ctx, spec) if CaseFlag.ACTIVE_MILITARY in ctx.candidate.flags else None


def min_collectors(ctx: Context, spec: RuleSpec) -> Violation | None:
    crew, needed = ctx.candidate.crew_size, spec.number("min")
    if crew is None or crew >= needed:
        return None
    return ctx.violation(spec, "min_collectors.too_few", crew=crew, min=needed)


def sunday(ruleset: RuleSet, spec: RuleSpec, day: date) -> Violation | None:
    if day.weekday() != SUNDAY:
        return None
    return make_violation(ruleset, spec, "sunday.is_sunday", date=day.isoformat())


def public_holiday(ruleset: RuleSet, spec: RuleSpec, day: date) -> Violation | None:
    country, region = ruleset.profile.holiday_country, ruleset.holiday_region
    info = day_info(country, day, ruleset.holiday_subdivision)
    if not info.holiday:
        return None
    if region is None:
        return make_violation(
            ruleset, spec, "public_holiday.is_holiday", date=day.isoformat(), name=info.name or ""
        )
    # The team's region decided it: say so, and name the calendar beside the legal source.
    where = f"{country}-{region}"
    calendar = Source(zh=f"团队节假日地区 {where}", en=f"team holiday region {where}")
    found = make_violation(
        ruleset,
        spec,
        "public_holiday.is_regional_holiday",
        date=day.isoformat(),
        name=info.name or "",
        region=where,
    )
    return dataclasses.replace(found, source=found.source.plus(calendar))


def spring_festival(ruleset: RuleSet, spec: RuleSpec, day: date) -> Violation | None:
    period = in_spring_festival(day, spec.number("from_day"), spec.number("to_day"))
    if period is None:
        return None
    return make_violation(
        ruleset,
        spec,
        "spring_festival.in_period",
        date=day.isoformat(),
        first=period[0].isoformat(),
        last=period[1].isoformat(),
    )


def max_per_day(ctx: Context, spec: RuleSpec) -> Violation | None:
    existing = ctx.history.visits[0]
    total = existing + ctx.candidate.planned_same_day + 1  # + 1: the candidate itself
    if total <= spec.number("max"):
        return None
    return ctx.violation(
        spec,
        "max_per_day.exceeded",
        date=ctx.day.isoformat(),
        count=total,
        existing=existing,
        planned=ctx.candidate.planned_same_day,
        max=spec.number("max"),
    )


def min_gap_days(ctx: Context, spec: RuleSpec) -> Violation | None:
    contacted = spec.switches.get("contacted_only", False)
    h = ctx.history
    age = h.last_contacted_visit_age if contacted else h.last_visit_age
    days = spec.number("days")
    if age is None or age >= days:  # age == N is allowed
        return None
    last = (ctx.day - timedelta(days=age)).isoformat()
    message = "min_gap_days.too_soon_contacted" if contacted else "min_gap_days.too_soon"
    return ctx.violation(spec, message, age=age, days=days, last=last)


def max_per_30_days(ctx: Context, spec: RuleSpec) -> Violation | None:
    contacted = spec.switches.get("contacted_only", False)
    window = spec.number("window_days")
    past = ctx.history.visits_within(window, contacted)
    total = past + 1  # ages 0 … window-1, plus the planned visit
    if total <= spec.number("max"):
        return None
    message = "max_per_30_days.exceeded_contacted" if contacted else "max_per_30_days.exceeded"
    first = (ctx.day - timedelta(days=window - 1)).isoformat()
    return ctx.violation(
        spec,
        message,
        count=total,
        past=past,
        max=spec.number("max"),
        days=window,
        first=first,
        date=ctx.day.isoformat(),
    )


def contacts_today(ctx: Context, spec: RuleSpec) -> Violation | None:
    count = ctx.history.conversations[0]
    if count < spec.number("min"):
        return None
    return ctx.violation(spec, "contacts_today.many", count=count, min=spec.number("min"))


def after_conversation(ctx: Context, spec: RuleSpec) -> Violation | None:
    age = ctx.history.last_conversation_age
    days = spec.number("days")
    if age is None or age >= days:
        return None
    last = (ctx.day - timedelta(days=age)).isoformat()
    return ctx.violation(spec, "after_conversation.recent", age=age, days=days, last=last)


def notice_before_first_visit(ctx: Context, spec: RuleSpec) -> Violation | None:
    if ctx.history.any_visit or CaseFlag.NOTICE_GIVEN in ctx.candidate.flags:
        return None
    return ctx.violation(spec, "notice_before_first_visit.missing")


#: Rules that depend only on the plan date, in report order (computed once per rule set and date).
CALENDAR_RULES: tuple[tuple[str, CalendarCheck], ...] = (
    ("spring_festival", spring_festival),
    ("public_holiday", public_holiday),
    ("sunday", sunday),
)

#: The other day-level rules in report order; time-of-day rules (night, consent_after_hours,
#: blackout, daylight_only) live in ``windows``.
DAY_RULES: tuple[tuple[str, RuleCheck], ...] = (
    ("min_collectors", min_collectors),
    ("max_per_day", max_per_day),
    ("min_gap_days", min_gap_days),
    ("max_per_30_days", max_per_30_days),
    ("contacts_today", contacts_today),
    ("after_conversation", after_conversation),
    ("notice_before_first_visit", notice_before_first_visit),
    ("workplace", workplace),
    ("third_party", third_party),
    ("vulnerable", vulnerable),
    ("active_military", active_military),
)


def day_violations(ctx: Context) -> list[Violation]:
    """Every day-level violation: case state, then calendar rules, then ``DAY_RULES``."""
    found = [case_state(ctx), *calendar_violations(ctx.ruleset, ctx.day)]
    for name, check in DAY_RULES:
        spec = ctx.ruleset.rule(name)
        if spec is not None:
            found.append(check(ctx, spec))
    return [v for v in found if v is not None]


@lru_cache(maxsize=1024)
def calendar_violations(ruleset: RuleSet, day: date) -> tuple[Violation, ...]:
    """The calendar rules broken on ``day`` (the same for every candidate of a batch)."""
    found = []
    for name, check in CALENDAR_RULES:
        spec = ruleset.rule(name)
        violation = check(ruleset, spec, day) if spec is not None else None
        if violation is not None:
            found.append(violation)
    return tuple(found)
