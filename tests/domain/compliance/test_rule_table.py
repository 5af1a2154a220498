"""Every cell of the normative rule table of COMPLIANCE.md, one scenario per rule and profile."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from fieldvisit.domain.enums import Channel, Place

from .builders import PLAN_DAY, PROFILES, at, check, contact, rules_of, visits

# The table, typed again by hand from COMPLIANCE.md (not read from the profile files).
P = PROFILES
WINDOW = {
    "CN": ("08:00", "22:00"),
    "US": ("08:00", "21:00"),
    "US-MA": ("08:00", "21:00"),
    "UK": ("08:00", "21:00"),
    "IE": ("09:00", "21:00"),
    "DE": ("08:00", "20:00"),
}
CONSENT = dict(zip(P, ["approve", "approve", "block", "approve", "block", "approve"], strict=True))
SUNDAY = dict(zip(P, [None, "warn", "warn", "warn", "block", "warn"], strict=True))
HOLIDAY = dict(zip(P, ["warn", "warn", "warn", "warn", "block", "warn"], strict=True))
SPRING = dict(zip(P, ["block", None, None, None, None, None], strict=True))
MIN_COLLECTORS = dict(zip(P, [2, 1, 1, 1, 1, 1], strict=True))
MIN_GAP = dict(zip(P, [(7, "approve")] * 2 + [(30, "block")] + [(7, "approve")] * 3, strict=True))
MAX_30 = dict(zip(P, [3, 3, 1, 3, 3, 3], strict=True))
CONTACTED_ONLY = {p: p == "US-MA" for p in P}
CONTACTS_TODAY = dict(zip(P, ["warn", None, None, None, None, None], strict=True))
AFTER_CONVERSATION = dict(zip(P, [None, "warn", "warn", None, None, None], strict=True))
WORKPLACE = dict(
    zip(P, ["approve", "approve", "block", "approve", "block", "approve"], strict=True)
)
NOTICE_RULE = dict(zip(P, [None, None, None, "block", None, None], strict=True))
VULNERABLE = dict(
    zip(P, ["approve", "approve", "approve", "block", "approve", "approve"], strict=True)
)
MILITARY = dict(zip(P, [None, "approve", "approve", None, None, None], strict=True))
#: A weekday public holiday per profile's calendar (2026).
HOLIDAYS = {
    "CN": date(2026, 10, 7),  # National Day block (Wednesday)
    "US": date(2026, 1, 19),  # Martin Luther King Jr. Day
    "US-MA": date(2026, 4, 20),  # Patriots' Day (Massachusetts only)
    "UK": date(2026, 5, 4),  # Early May bank holiday
    "IE": date(2026, 3, 17),  # Saint Patrick's Day
    "DE": date(2026, 5, 1),  # Tag der Arbeit
}
SUNDAY_DATE = date(2026, 3, 15)


def expect(verdict_rules: dict[str, str], rule: str, severity: str | None) -> None:
    if severity is None:
        assert rule not in verdict_rules, verdict_rules
    else:
        assert verdict_rules.get(rule) == severity, verdict_rules


@pytest.mark.parametrize("profile", P)
def test_baseline_breaks_nothing(profile: str) -> None:
    verdict = check(profile)
    assert verdict.violations == ()
    assert verdict.intervals


@pytest.mark.parametrize("profile", P)
def test_night_window(profile: str) -> None:
    start, end = WINDOW[profile]
    verdict = check(profile)
    assert verdict.intervals == ((at(profile, PLAN_DAY, start), at(profile, PLAN_DAY, end)),)
    early = check(profile, requested_start=at(profile, PLAN_DAY, "07:45"))
    expect(rules_of(early), f"{profile}.night", "block")


@pytest.mark.parametrize("profile", P)
def test_consent_after_hours(profile: str) -> None:
    severity = CONSENT[profile]
    slot = at(profile, PLAN_DAY, "07:00")
    verdict = check(profile, flags={"consent_after_hours"})
    found = {v.rule: str(v.severity) for v in verdict.check_slot(slot)}
    first = verdict.intervals[0][0]
    if severity == "approve":
        assert first == slot
        assert found == {f"{profile}.consent_after_hours": "approve"}
    else:
        assert first == at(profile, PLAN_DAY, WINDOW[profile][0])
        assert found == {f"{profile}.night": "block", f"{profile}.consent_after_hours": "block"}
    assert verdict.violations == ()  # the flag alone needs nothing; only early slots do


@pytest.mark.parametrize("profile", P)
def test_sunday(profile: str) -> None:
    expect(rules_of(check(profile, plan_date=SUNDAY_DATE)), f"{profile}.sunday", SUNDAY[profile])


@pytest.mark.parametrize("profile", P)
def test_public_holiday(profile: str) -> None:
    found = rules_of(check(profile, plan_date=HOLIDAYS[profile]))
    expect(found, f"{profile}.public_holiday", HOLIDAY[profile])


def test_patriots_day_is_massachusetts_only() -> None:
    assert "US.public_holiday" not in rules_of(check("US", plan_date=HOLIDAYS["US-MA"]))


@pytest.mark.parametrize("profile", P)
@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 2, 15), False),  # day before New Year's Eve (already a day off)
        (date(2026, 2, 16), True),  # 除夕
        (date(2026, 2, 22), True),  # 初六
        (date(2026, 2, 23), False),  # 初七 (still a day off, only public_holiday)
        (date(2025, 1, 28), True),
        (date(2025, 2, 3), True),
        (date(2025, 2, 4), False),
    ],
)
def test_spring_festival(profile: str, day: date, inside: bool) -> None:
    found = rules_of(check(profile, plan_date=day))
    expect(found, f"{profile}.spring_festival", SPRING[profile] if inside else None)


@pytest.mark.parametrize("profile", P)
def test_min_collectors(profile: str) -> None:
    needed = MIN_COLLECTORS[profile]
    expect(rules_of(check(profile, crew_size=needed)), f"{profile}.min_collectors", None)
    expect(rules_of(check(profile, crew_size=needed - 1)), f"{profile}.min_collectors", "block")
    expect(rules_of(check(profile, crew_size=None)), f"{profile}.min_collectors", None)


@pytest.mark.parametrize("profile", P)
def test_max_per_day(profile: str) -> None:
    rule = f"{profile}.max_per_day"
    expect(rules_of(check(profile, history=visits(profile, [0], contacted=False))), rule, "block")
    expect(rules_of(check(profile, planned_same_day=1)), rule, "block")
    expect(rules_of(check(profile, history=visits(profile, [1]))), rule, None)


@pytest.mark.parametrize("profile", P)
def test_min_gap_days(profile: str) -> None:
    days, severity = MIN_GAP[profile]
    rule = f"{profile}.min_gap_days"
    expect(rules_of(check(profile, history=visits(profile, [days - 1]))), rule, severity)
    expect(rules_of(check(profile, history=visits(profile, [days]))), rule, None)
    uncontacted = rules_of(check(profile, history=visits(profile, [days - 1], contacted=False)))
    expect(uncontacted, rule, None if CONTACTED_ONLY[profile] else severity)


@pytest.mark.parametrize("profile", P)
def test_max_per_30_days(profile: str) -> None:
    limit, rule = MAX_30[profile], f"{profile}.max_per_30_days"
    gap = MIN_GAP[profile][0]
    full = [gap + i for i in range(limit)]  # limit visits, all at least min_gap old
    full = [min(a, 29) for a in full]
    expect(rules_of(check(profile, history=visits(profile, full))), rule, "block")
    older = [a + 30 for a in full]
    expect(rules_of(check(profile, history=visits(profile, older))), rule, None)
    uncontacted = rules_of(check(profile, history=visits(profile, full, contacted=False)))
    expect(uncontacted, rule, None if CONTACTED_ONLY[profile] else "block")


@pytest.mark.parametrize("profile", P)
def test_contacts_today(profile: str) -> None:
    calls = tuple(contact(profile, 0, Channel.CALL, hhmm=f"0{h}:00") for h in (7, 8, 9))
    expect(
        rules_of(check(profile, history=calls)),
        f"{profile}.contacts_today",
        CONTACTS_TODAY[profile],
    )
    expect(rules_of(check(profile, history=calls[:2])), f"{profile}.contacts_today", None)
    unanswered = tuple(contact(profile, 0, Channel.CALL, contacted=False) for _ in range(5))
    expect(rules_of(check(profile, history=unanswered)), f"{profile}.contacts_today", None)


@pytest.mark.parametrize("profile", P)
def test_after_conversation(profile: str) -> None:
    rule, severity = f"{profile}.after_conversation", AFTER_CONVERSATION[profile]
    expect(rules_of(check(profile, history=(contact(profile, 6, Channel.CALL),))), rule, severity)
    expect(rules_of(check(profile, history=(contact(profile, 7, Channel.SMS),))), rule, None)
    silent = (contact(profile, 2, Channel.CALL, contacted=False),)
    expect(rules_of(check(profile, history=silent)), rule, None)


@pytest.mark.parametrize("profile", P)
def test_blackout(profile: str) -> None:
    from fieldvisit.domain.compliance import WallInterval

    start, end = WINDOW[profile]
    whole = (WallInterval.parse(start, end),)
    verdict = check(profile, blackouts=whole)
    assert verdict.intervals == ()
    assert rules_of(verdict) == {f"{profile}.blackout": "block"}
    part = check(profile, blackouts=(WallInterval.parse("12:00", "14:00"),))
    assert len(part.intervals) == 2
    slot = rules_of(
        check(
            profile,
            blackouts=(WallInterval.parse("12:00", "14:00"),),
            requested_start=at(profile, PLAN_DAY, "13:00"),
        )
    )
    assert slot == {f"{profile}.blackout": "block"}


@pytest.mark.parametrize("profile", P)
def test_daylight_only(profile: str) -> None:
    verdict = check(
        profile, flags={"daylight_only"}, requested_start=at(profile, PLAN_DAY, "19:00")
    )
    expect(rules_of(verdict), f"{profile}.daylight_only", "block")
    assert verdict.intervals[-1][1] < at(profile, PLAN_DAY, "18:00")
    no_coords = check(profile, flags={"daylight_only"}, lat=None, lon=None)
    assert rules_of(no_coords) == {f"{profile}.daylight_only": "block"}


@pytest.mark.parametrize("profile", P)
def test_workplace(profile: str) -> None:
    expect(rules_of(check(profile, place=Place.WORK)), f"{profile}.workplace", WORKPLACE[profile])
    prohibited = rules_of(check(profile, place=Place.WORK, flags={"employer_prohibits"}))
    stricter = "block" if profile == "US" else WORKPLACE[profile]
    expect(prohibited, f"{profile}.workplace", stricter)
    expect(rules_of(check(profile, place=Place.OTHER)), f"{profile}.workplace", None)


@pytest.mark.parametrize("profile", P)
def test_third_party(profile: str) -> None:
    expect(rules_of(check(profile, place=Place.THIRD_PARTY)), f"{profile}.third_party", "block")
    unreachable = rules_of(check(profile, place=Place.THIRD_PARTY, flags={"debtor_unreachable"}))
    expect(unreachable, f"{profile}.third_party", "approve" if profile == "CN" else "block")


@pytest.mark.parametrize("profile", P)
def test_notice_before_first_visit(profile: str) -> None:
    from fieldvisit.domain.compliance import evaluate

    from .builders import candidate, ruleset

    rule, severity = f"{profile}.notice_before_first_visit", NOTICE_RULE[profile]
    no_notice = replace(candidate(profile), flags=frozenset())
    expect(rules_of(evaluate(no_notice, ruleset(profile))), rule, severity)
    earlier = replace(no_notice, history=visits(profile, [40], False))
    expect(rules_of(evaluate(earlier, ruleset(profile))), rule, None)
    calls_only = replace(no_notice, history=(contact(profile, 40, Channel.CALL),))
    expect(rules_of(evaluate(calls_only, ruleset(profile))), rule, severity)
    expect(rules_of(check(profile)), rule, None)  # notice_given


@pytest.mark.parametrize("profile", P)
def test_vulnerable(profile: str) -> None:
    expect(
        rules_of(check(profile, flags={"vulnerable"})), f"{profile}.vulnerable", VULNERABLE[profile]
    )


@pytest.mark.parametrize("profile", P)
def test_active_military(profile: str) -> None:
    found = rules_of(check(profile, flags={"active_military"}))
    expect(found, f"{profile}.active_military", MILITARY[profile])


def test_several_blocks_are_all_reported() -> None:
    from fieldvisit.domain.compliance import Contact
    from fieldvisit.domain.enums import CaseState

    day = date(2026, 2, 17)
    verdict = check(
        "CN",
        plan_date=day,
        crew_size=1,
        place=Place.THIRD_PARTY,
        case_state=CaseState.DISPUTED,
        history=(Contact(at("CN", day, "09:00"), Channel.VISIT, False),),
    )
    blocking = {v.rule for v in verdict.blocking}
    assert blocking >= {
        "CN.state.disputed",
        "CN.spring_festival",
        "CN.min_collectors",
        "CN.max_per_day",
        "CN.third_party",
    }
    assert verdict.intervals == ()
    assert verdict.time_intervals  # the time-of-day answer is still shown


def test_sources_are_the_profiles_sources() -> None:
    verdict = check("US", place=Place.WORK, flags={"employer_prohibits"})
    (violation,) = verdict.violations
    assert "1692c(a)(3)" in violation.source.text("en")
    assert "1692c(a)(3)" in violation.source.text("zh")
    assert PLAN_DAY - timedelta(days=1) < PLAN_DAY  # keep the import honest
