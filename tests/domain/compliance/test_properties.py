"""Properties: stricter policy and more history never allow more; intervals obey the rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.domain.compliance import (
    Candidate,
    Contact,
    Policy,
    Verdict,
    WallInterval,
    build_ruleset,
    evaluate,
    load_profile,
)
from fieldvisit.domain.compliance.intervals import intersect, normalize, subtract
from fieldvisit.domain.compliance.profiles import SEVERITY_RANK
from fieldvisit.domain.enums import CaseFlag, CaseState, Channel, Place

from .builders import PROFILES

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None, database=None)
DAYS = [
    date(2026, 12, 1),
    date(2026, 3, 8),  # US spring forward (Sunday)
    date(2026, 11, 1),  # US fall back (Sunday)
    date(2026, 3, 29),  # EU spring forward
    date(2026, 2, 17),  # Spring Festival
    date(2026, 10, 1),
]
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "America/Los_Angeles"]
LAYER_RULES = ("night", "consent_after_hours", "blackout", "daylight_only")

quarter = st.integers(0, 95).map(lambda q: q * 15)
wall = st.builds(
    lambda a, b: WallInterval(a, b if b != a else (a + 15) % 1440 or 1440),
    quarter,
    st.integers(1, 96).map(lambda q: q * 15),
)


@st.composite
def contacts(draw: Any, day: date, zone: str) -> Contact:
    age = draw(st.integers(-2, 45))
    minute = draw(st.integers(0, 1439))
    local = datetime.combine(
        day - timedelta(days=age), time(minute // 60, minute % 60), ZoneInfo(zone)
    )
    at = local.astimezone(UTC) if draw(st.booleans()) else local
    return Contact(at, draw(st.sampled_from(list(Channel))), draw(st.booleans()))


@st.composite
def candidates(draw: Any) -> tuple[str, Candidate]:
    profile = draw(st.sampled_from(PROFILES))
    day, zone = draw(st.sampled_from(DAYS)), draw(st.sampled_from(ZONES))
    flags = draw(st.frozensets(st.sampled_from([f.value for f in CaseFlag]), max_size=3))
    return profile, Candidate(
        debtor_id="D",
        timezone=zone,
        plan_date=day,
        case_state=draw(st.sampled_from(list(CaseState))),
        flags=flags,
        place=draw(st.sampled_from(list(Place))),
        lat=draw(st.floats(20, 60)),
        lon=draw(st.floats(-120, 120)),
        service_minutes=draw(st.sampled_from([15, 30, 60, 180])),
        windows=tuple(draw(st.lists(wall, max_size=2))),
        blackouts=tuple(draw(st.lists(wall, max_size=2))),
        history=tuple(draw(st.lists(contacts(day, zone), max_size=8))),
        planned_same_day=draw(st.integers(0, 1)),
        crew_size=draw(st.one_of(st.none(), st.integers(0, 3))),
    )


@st.composite
def stricter_policies(draw: Any, profile: str) -> Policy:
    rules = load_profile(profile).rules
    window = rules["night"].window
    assert window is not None
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        start = draw(st.integers(window.start // 15, window.end // 15 - 1)) * 15
        end = draw(st.integers(start // 15 + 1, window.end // 15)) * 15
        data["contact_window"] = {
            "start": f"{start // 60:02d}:{start % 60:02d}",
            "end": f"{end // 60:02d}:{end % 60:02d}",
        }
    if draw(st.booleans()):
        data["min_gap_days"] = rules["min_gap_days"].number("days") + draw(st.integers(0, 20))
    if draw(st.booleans()):
        data["max_per_30_days"] = draw(st.integers(0, rules["max_per_30_days"].number("max")))
    if draw(st.booleans()):
        data["max_per_day"] = draw(st.integers(0, 1))
    if draw(st.booleans()):
        data["min_collectors"] = rules["min_collectors"].number("min") + draw(st.integers(0, 2))
    return Policy.from_mapping(data)


def _day_rules(verdict: Verdict, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Strongest severity per rule of the rules that do not depend on the time of day."""
    out: dict[str, int] = {}
    for v in verdict.violations:
        name = v.rule.split(".", 1)[1]
        if name in LAYER_RULES or name in skip:
            continue
        out[v.rule] = max(out.get(v.rule, 0), SEVERITY_RANK[v.severity])
    return out


def _no_more(loose: Verdict, strict: Verdict, skip: tuple[str, ...] = ()) -> None:
    assert subtract(strict.allowed_spans, loose.allowed_spans) == ()
    assert not loose.blocked or strict.blocked
    before, after = _day_rules(loose, skip), _day_rules(strict, skip)
    for rule, rank in before.items():
        assert after.get(rule, -1) >= rank, (rule, before, after)


@SETTINGS
@given(st.data())
def test_stricter_policy_never_allows_more(data: st.DataObject) -> None:
    profile, cand = data.draw(candidates())
    policy = data.draw(stricter_policies(profile))
    base = evaluate(cand, build_ruleset(load_profile(profile)))
    strict = evaluate(cand, build_ruleset(load_profile(profile), policy))
    _no_more(base, strict)


@SETTINGS
@given(st.data())
def test_more_history_never_allows_more(data: st.DataObject) -> None:
    profile, cand = data.draw(candidates())
    extra = data.draw(st.lists(contacts(cand.plan_date, cand.timezone), min_size=1, max_size=5))
    ruleset = build_ruleset(load_profile(profile))
    base = evaluate(cand, ruleset)
    more = evaluate(replace(cand, history=cand.history + tuple(extra)), ruleset)
    # notice_before_first_visit is the one rule a prior contact satisfies.
    _no_more(base, more, skip=("notice_before_first_visit",))


@SETTINGS
@given(st.data())
def test_history_order_does_not_matter(data: st.DataObject) -> None:
    profile, cand = data.draw(candidates())
    shuffled = data.draw(st.permutations(cand.history))
    ruleset = build_ruleset(load_profile(profile))
    one, two = evaluate(cand, ruleset), evaluate(replace(cand, history=tuple(shuffled)), ruleset)
    assert one.violations == two.violations
    assert one.time_spans == two.time_spans


def _effective_window(profile: str, cand: Candidate, policy: Policy) -> tuple[tuple[int, int], ...]:
    rules = load_profile(profile).rules
    night, consent = rules["night"].window, rules["consent_after_hours"]
    assert night is not None
    assert consent.window is not None
    window = night.spans()
    if "consent_after_hours" in cand.flags and consent.severity.value != "block":
        window = consent.window.spans()
    if policy.contact_window is not None:
        window = intersect(window, policy.contact_window.spans())
    return window


@SETTINGS
@given(st.data())
def test_intervals_inside_window_and_outside_blackouts(data: st.DataObject) -> None:
    profile, cand = data.draw(candidates())
    policy = data.draw(stricter_policies(profile))
    verdict = evaluate(cand, build_ruleset(load_profile(profile), policy))
    window = _effective_window(profile, cand, policy)
    blackouts = normalize(s for b in cand.blackouts for s in b.spans())
    wanted = normalize(s for w in cand.windows for s in w.spans()) or ((0, 1440),)
    zone = ZoneInfo(cand.timezone)
    for start, end in verdict.time_spans:
        for instant in range(start, end, 300):
            local = datetime.fromtimestamp(instant, UTC).astimezone(zone)
            assert local.date() == cand.plan_date
            minute = local.hour * 60 + local.minute
            assert any(a <= minute < b for a, b in window), (local, window)
            assert not any(a <= minute < b for a, b in blackouts), (local, blackouts)
            assert any(a <= minute < b for a, b in wanted), (local, wanted)
