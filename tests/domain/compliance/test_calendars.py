"""China 2025–2026 holidays and make-up workdays vs the State Council notices; other calendars."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from fieldvisit.domain.compliance import calendars
from fieldvisit.domain.compliance.calendars import day_info, lunar_new_year, spring_festival


def _days(first: date, last: date) -> Iterator[date]:
    while first <= last:
        yield first
        first += timedelta(days=1)


def _span(y: int, m1: int, d1: int, m2: int, d2: int) -> list[date]:
    return list(_days(date(y, m1, d1), date(y, m2, d2)))


# 国务院办公厅关于2025年、2026年部分节假日安排的通知 (as summarised in the issue brief).
OFFICIAL = {
    2025: {
        "holidays": [
            *_span(2025, 1, 1, 1, 1),
            *_span(2025, 1, 28, 2, 4),
            *_span(2025, 4, 4, 4, 6),
            *_span(2025, 5, 1, 5, 5),
            *_span(2025, 5, 31, 6, 2),
            *_span(2025, 10, 1, 10, 8),
        ],
        "workdays": [
            date(2025, 1, 26),
            date(2025, 2, 8),
            date(2025, 4, 27),
            date(2025, 9, 28),
            date(2025, 10, 11),
        ],
    },
    2026: {
        "holidays": [
            *_span(2026, 1, 1, 1, 3),
            *_span(2026, 2, 15, 2, 23),
            *_span(2026, 4, 4, 4, 6),
            *_span(2026, 5, 1, 5, 5),
            *_span(2026, 6, 19, 6, 21),
            *_span(2026, 9, 25, 9, 27),
            *_span(2026, 10, 1, 10, 7),
        ],
        "workdays": [
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        ],
    },
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_china_matches_state_council_every_day(year: int) -> None:
    holidays = set(OFFICIAL[year]["holidays"])
    workdays = set(OFFICIAL[year]["workdays"])
    wrong = []
    for day in _days(date(year, 1, 1), date(year, 12, 31)):
        info = day_info("CN", day)
        if info.holiday != (day in holidays) or info.makeup_workday != (day in workdays):
            wrong.append((day, info))
        assert info.source == "chinesecalendar"
    assert wrong == []


def test_china_override_file_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    override = {
        2026: {"holidays": {"2026-03-02": "Test day"}, "workdays": frozenset({"2026-10-01"})}
    }
    monkeypatch.setattr(calendars, "china_overrides", lambda: override)
    calendars.day_info.cache_clear()
    try:
        assert day_info("CN", date(2026, 3, 2)).holiday
        assert day_info("CN", date(2026, 3, 2)).source == "override"
        assert not day_info("CN", date(2026, 10, 1)).holiday
        assert day_info("CN", date(2026, 10, 1)).makeup_workday
    finally:
        calendars.day_info.cache_clear()


def test_shipped_override_file_is_valid_and_empty() -> None:
    calendars.china_overrides.cache_clear()
    assert calendars.china_overrides() == {}


def test_china_falls_back_to_holidays_package_after_library_years() -> None:
    info = day_info("CN", date(2027, 10, 1))
    assert info.holiday
    assert info.source == "holidays"


# Day 1 of the lunar year (published almanac dates), to check the lunisolar conversion.
LUNAR_NEW_YEAR = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}


@pytest.mark.parametrize(("year", "expected"), sorted(LUNAR_NEW_YEAR.items()))
def test_lunar_new_year(year: int, expected: date) -> None:
    assert lunar_new_year(year) == expected


def test_spring_festival_is_eve_to_day_six() -> None:
    assert spring_festival(2025) == (date(2025, 1, 28), date(2025, 2, 3))
    assert spring_festival(2026) == (date(2026, 2, 16), date(2026, 2, 22))


def test_lunar_new_years_eve_agrees_with_chinesecalendar() -> None:
    for year in (2025, 2026):
        eve = spring_festival(year)[0]
        assert day_info("CN", eve).name == "Spring Festival"


@pytest.mark.parametrize(
    ("country", "subdivision", "day", "holiday"),
    [
        ("US", None, date(2026, 7, 3), True),  # Independence Day observed
        ("US", None, date(2026, 4, 20), False),
        ("US", "MA", date(2026, 4, 20), True),  # Patriots' Day
        ("GB", "ENG", date(2026, 12, 28), True),  # Boxing Day substitute
        ("GB", "ENG", date(2026, 3, 17), False),
        ("IE", None, date(2026, 3, 17), True),
        ("DE", None, date(2026, 10, 3), True),
        ("DE", None, date(2026, 10, 31), False),  # Reformation Day: only some Länder
    ],
)
def test_other_countries(country: str, subdivision: str | None, day: date, holiday: bool) -> None:
    assert day_info(country, day, subdivision).holiday is holiday
