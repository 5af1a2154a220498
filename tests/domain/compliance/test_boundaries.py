"""Edges: the end of the contact window, exact day counts, the 30-day window and DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldvisit.domain.compliance import Contact, WallInterval
from fieldvisit.domain.enums import Channel

from .builders import PLAN_DAY, at, check, rules_of, visits

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("profile", "start", "minutes", "ok"),
    [
        ("CN", "21:29", 30, True),  # ends 21:59
        ("CN", "21:30", 30, True),  # ends 22:00: half-open, allowed
        ("CN", "21:31", 30, False),  # ends 22:01
        ("CN", "22:00", 1, False),
        ("CN", "08:00", 30, True),
        ("CN", "07:59", 30, False),
        ("US", "20:30", 30, True),
        ("US", "20:31", 30, False),
        ("IE", "08:59", 10, False),
        ("IE", "09:00", 10, True),
        ("DE", "19:30", 30, True),
        ("DE", "19:31", 30, False),
    ],
)
def test_window_end(profile: str, start: str, minutes: int, ok: bool) -> None:
    slot = at(profile, PLAN_DAY, start)
    verdict = check(profile, service_minutes=minutes, requested_start=slot)
    assert verdict.fits(slot) is ok
    assert (f"{profile}.night" in rules_of(verdict)) is not ok


def test_start_windows_close_at_window_end_minus_service() -> None:
    verdict = check("CN", service_minutes=45)
    ((first, last),) = verdict.start_windows()
    assert (first, last) == (at("CN", PLAN_DAY, "08:00"), at("CN", PLAN_DAY, "21:15"))
    midnight = at("CN", PLAN_DAY, "00:00")
    assert verdict.allowed_intervals_seconds(midnight) == ((8 * 3600, 22 * 3600),)
    assert verdict.start_windows_seconds(midnight) == ((8 * 3600, 21 * 3600 + 15 * 60),)
    assert verdict.local_minutes() == ((480, 1320),)
    assert verdict.start_minutes() == ((480, 1275),)
    assert verdict.start_minutes(60) == ((480, 1260),)


def test_service_longer_than_the_window_blocks_with_night() -> None:
    verdict = check("DE", service_minutes=13 * 60)
    assert rules_of(verdict) == {"DE.night": "block"}
    assert verdict.violations[0].message.id == "compliance.night.no_time"


@pytest.mark.parametrize(("age", "violated"), [(6, True), (7, False), (8, False), (0, True)])
def test_exactly_seven_days(age: int, violated: bool) -> None:
    found = rules_of(check("CN", history=visits("CN", [age])))
    assert ("CN.min_gap_days" in found) is violated


def test_age_counts_local_calendar_days() -> None:
    # 23:30 in Shanghai 7 days before is 15:30 UTC the same date: age 7, allowed.
    late = Contact(
        datetime(2026, 11, 24, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")), Channel.VISIT, True
    )
    assert "CN.min_gap_days" not in rules_of(check("CN", history=(late,)))
    # 00:30 in Shanghai 6 days before, written in UTC (the previous UTC date): age 6.
    early = Contact(datetime(2026, 11, 24, 16, 30, tzinfo=UTC), Channel.VISIT, True)
    assert rules_of(check("CN", history=(early,)))["CN.min_gap_days"] == "approve"


@pytest.mark.parametrize(("oldest", "violated"), [(29, True), (30, False)])
def test_thirty_day_edge(oldest: int, violated: bool) -> None:
    found = rules_of(check("CN", history=visits("CN", [7, 20, oldest])))
    assert ("CN.max_per_30_days" in found) is violated


@pytest.mark.parametrize(("age", "violated"), [(29, True), (30, False)])
def test_us_ma_thirty_days_since_contacted_visit(age: int, violated: bool) -> None:
    found = rules_of(check("US-MA", history=visits("US-MA", [age])))
    assert ("US-MA.min_gap_days" in found) is violated
    assert ("US-MA.max_per_30_days" in found) is violated


def test_future_contacts_are_not_history() -> None:
    tomorrow = Contact(at("CN", PLAN_DAY + timedelta(days=1), "09:00"), Channel.VISIT, True)
    assert check("CN", history=(tomorrow,)).violations == ()


def _hours(verdict_intervals: tuple[tuple[datetime, datetime], ...]) -> float:
    return sum((b - a).total_seconds() for a, b in verdict_intervals) / 3600


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_dst_days_keep_the_wall_clock_window(day: date) -> None:
    verdict = check("US", plan_date=day)
    ((start, end),) = verdict.time_intervals
    assert (start.hour, start.minute, end.hour, end.minute) == (8, 0, 21, 0)
    assert _hours(verdict.time_intervals) == 13
    assert start.tzinfo is not None


def test_spring_forward_gap_blackout_covers_only_existing_time() -> None:
    day = date(2026, 3, 8)
    window = (WallInterval.parse("01:00", "04:00"),)
    consent = check("US", plan_date=day, windows=window, flags={"consent_after_hours"})
    assert consent.time_intervals == ()  # 01:00–04:00 lies outside even the widened window
    verdict = check("US", plan_date=day, blackouts=(WallInterval.parse("01:30", "02:30"),))
    assert _hours(verdict.time_intervals) == 13
    # The layer itself maps 01:30–02:30 onto 30 real minutes (02:00–03:00 does not exist).
    layer = next(x for x in verdict.layers if x.rule == "US.blackout")
    midnight = int(datetime(2026, 3, 8, tzinfo=NY).timestamp())
    blocked = [(a - midnight, b - midnight) for a, b in layer.spans]
    assert blocked == [(0, 5400), (7200, 23 * 3600)]


def test_fall_back_repeated_hour_counts_twice() -> None:
    day = date(2026, 11, 1)
    verdict = check("US", plan_date=day, windows=(WallInterval.parse("01:00", "02:00"),))
    layer = next(x for x in verdict.layers if x.rule == "US.blackout")
    assert sum(b - a for a, b in layer.spans) == 2 * 3600  # 01:00–02:00 happens twice
    assert verdict.time_intervals == ()
    assert rules_of(verdict) == {"US.blackout": "block", "US.sunday": "warn"}


def test_dst_day_seconds_from_reference_are_elapsed_seconds() -> None:
    day = date(2026, 3, 8)
    verdict = check("US", plan_date=day, service_minutes=60)
    midnight = datetime(2026, 3, 8, tzinfo=NY)
    # 08:00 EDT is 7 elapsed hours after midnight EST on spring-forward day.
    assert verdict.allowed_intervals_seconds(midnight) == ((7 * 3600, 20 * 3600),)


def test_history_on_dst_day_counts_by_local_date() -> None:
    day = date(2026, 11, 8)
    late = Contact(
        datetime(2026, 11, 1, 23, 30, tzinfo=NY), Channel.VISIT, False
    )  # after fall-back
    found = rules_of(check("US", plan_date=day, history=(late,)))
    assert "US.min_gap_days" not in found  # age 7
    later = Contact(datetime(2026, 11, 2, 0, 30, tzinfo=NY), Channel.VISIT, False)
    assert "US.min_gap_days" in rules_of(check("US", plan_date=day, history=(later,)))


def test_rows_digest_equals_contacts_digest() -> None:
    from fieldvisit.domain.compliance import (
        digest,
        digest_rows,
        evaluate,
        history_horizon,
    )

    from .builders import candidate, ruleset

    history = (*visits("CN", [0, 3, 40]), Contact(at("CN", PLAN_DAY, "09:00"), Channel.CALL, True))
    rows = [(c.at.timestamp(), c.channel.value, c.contacted) for c in history]
    horizon = history_horizon(ruleset("CN"))
    assert digest_rows(rows, "Asia/Shanghai", PLAN_DAY, horizon) == digest(
        history, "Asia/Shanghai", PLAN_DAY, horizon
    )
    from_rows = evaluate(
        candidate("CN"),
        ruleset("CN"),
        digest_rows(rows, "Asia/Shanghai", PLAN_DAY, horizon),
    )
    assert from_rows.violations == check("CN", history=history).violations
    with pytest.raises(ValueError, match="digest"):
        evaluate(candidate("CN"), ruleset("CN"), digest_rows(rows, "Asia/Shanghai", PLAN_DAY, 7))


def test_no_time_blames_the_debtor_windows_inside_the_night() -> None:
    verdict = check("CN", windows=(WallInterval.parse("22:30", "23:30"),))
    assert rules_of(verdict) == {"CN.blackout": "block"}
    assert verdict.violations[0].message.id == "compliance.blackout.no_time"


def test_no_time_blames_daylight_when_sunset_is_too_early() -> None:
    # A 10-hour visit fits 08:00–22:00 but not 08:00 to sunset − 30 min (Shanghai sunset ~16:53).
    verdict = check("CN", flags={"daylight_only"}, service_minutes=600)
    assert rules_of(verdict) == {"CN.daylight_only": "block"}
    message = verdict.violations[0].message
    assert message.id == "compliance.daylight_only.no_time"
    assert message.params["cutoff"] < "16:30"


def test_no_time_blames_the_combination_but_not_the_contact_window() -> None:
    # 15:00–17:00 fits alone; sunset − 30 min (~16:23) fits alone; together < 90 minutes.
    verdict = check(
        "CN",
        flags={"daylight_only"},
        service_minutes=90,
        windows=(WallInterval.parse("15:00", "17:00"),),
    )
    assert rules_of(verdict) == {"CN.blackout": "block", "CN.daylight_only": "block"}


def test_polar_night_blocks_daylight_only_visits() -> None:
    verdict = check("UK", flags={"daylight_only"}, lat=78.2, lon=15.6, plan_date=date(2026, 12, 21))
    assert rules_of(verdict) == {"UK.daylight_only": "block"}
    assert verdict.violations[0].message.id == "compliance.daylight_only.polar_night"


def test_candidate_freezes_lists_from_the_boundary() -> None:
    from fieldvisit.domain.compliance import Candidate

    cand = Candidate(
        debtor_id="D",
        timezone="Asia/Shanghai",
        plan_date=PLAN_DAY,
        flags={"daylight_only"},  # type: ignore[arg-type]
        windows=[WallInterval.parse("09:00", "12:00")],  # type: ignore[arg-type]
        history=[],  # type: ignore[arg-type]
    )
    assert cand.flags == frozenset({"daylight_only"})
    assert isinstance(cand.windows, tuple)
    assert isinstance(cand.history, tuple)


@pytest.mark.parametrize(
    ("change", "message_id"),
    [
        ({"timezone": "Mars/Olympus"}, "compliance.input.bad_timezone"),
        ({"service_minutes": 0}, "compliance.input.bad_service"),
        ({"lat": 95.0}, "compliance.input.bad_location"),
        ({"lat": None}, "compliance.input.bad_location"),
        ({"planned_same_day": -1}, "compliance.input.negative_count"),
        ({"requested_start": datetime(2026, 12, 1, 9)}, "compliance.input.naive_datetime"),
    ],
)
def test_invalid_candidates(change: dict[str, object], message_id: str) -> None:
    from fieldvisit.domain.errors import ValidationError

    from .builders import candidate

    with pytest.raises(ValidationError) as caught:
        candidate("CN", **change)
    assert caught.value.message.id == message_id


def test_consent_clean_intervals_exclude_the_widened_hours() -> None:
    verdict = check("CN", flags={"consent_after_hours"})
    assert verdict.intervals == ((at("CN", PLAN_DAY, "07:00"), at("CN", PLAN_DAY, "23:00")),)
    assert verdict.clean_intervals == ((at("CN", PLAN_DAY, "08:00"), at("CN", PLAN_DAY, "22:00")),)
    assert verdict.fits(at("CN", PLAN_DAY, "22:30"))
    assert {v.rule for v in verdict.check_slot(at("CN", PLAN_DAY, "22:30"))} == {
        "CN.consent_after_hours"
    }
    assert verdict.check_slot(at("CN", PLAN_DAY, "10:00")) == ()
