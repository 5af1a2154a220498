"""Public holidays per country (China with 调休 make-up workdays) and the Spring Festival period.

China: ``resources/calendars/CN.json`` (an override keyed by year, for corrections or years the
library does not cover yet) wins; then ``chinesecalendar`` (State Council notices, with make-up
workdays); then the ``holidays`` package (days off only, no make-up workdays). Its 2025–2026
data was checked against the State Council notices (tests/domain/compliance/test_calendars.py)
and agrees.
Other countries come from the ``holidays`` package (national holidays, or a subdivision's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import chinese_calendar
import holidays
from holidays.calendars.chinese import _ChineseLunisolar

from fieldvisit.domain.errors import ValidationError


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date; ``source`` names where it came from."""

    day: date
    holiday: bool
    name: str | None
    makeup_workday: bool
    source: str


@lru_cache(maxsize=8192)
def day_info(country: str, day: date, subdivision: str | None = None) -> DayInfo:
    """Whether ``day`` is a public holiday (or, in China, a make-up workday) in ``country``."""
    if country == "CN":
        return _china_day(day)
    table = _country_table(country, subdivision, day.year)
    name = table.get(day)
    return DayInfo(day, name is not None, name, False, "holidays")


def _china_day(day: date) -> DayInfo:
    override = china_overrides().get(day.year)
    if override is not None:
        name = override["holidays"].get(day.isoformat())
        makeup = day.isoformat() in override["workdays"]
        return DayInfo(day, name is not None, name, makeup, "override")
    try:
        is_off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        table = _country_table("CN", None, day.year)
        fallback = table.get(day)
        return DayInfo(day, fallback is not None, fallback, False, "holidays")
    # chinesecalendar reports ordinary weekends as "holiday" with no name: not a public holiday.
    holiday = bool(is_off and name)
    return DayInfo(
        day, holiday, name if holiday else None, bool(name and not is_off), "chinesecalendar"
    )


def is_subdivision(country: str, region: str) -> bool:
    """Whether ``region`` is a holiday subdivision of ``country`` in the ``holidays`` package."""
    return region in holidays.list_supported_countries().get(country, ())


@cache
def _country_table(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {d: str(n) for d, n in table.items()}


@cache
def china_overrides() -> Mapping[int, Mapping[str, Any]]:
    """Years of ``resources/calendars/CN.json``: ``{"holidays": {iso: name}, "workdays": []}``."""
    path = resources.files("fieldvisit.resources").joinpath("calendars", "CN.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    years = data.get("years", {})
    out: dict[int, Mapping[str, Any]] = {}
    for year, entry in years.items():
        if not isinstance(entry.get("holidays"), dict) or not isinstance(
            entry.get("workdays"), list
        ):
            raise ValidationError("compliance.calendar.bad_override", year=year)
        out[int(year)] = {"holidays": entry["holidays"], "workdays": frozenset(entry["workdays"])}
    return out


@lru_cache(maxsize=256)
def lunar_new_year(year: int) -> date:
    """Day 1 of the first lunar month (正月初一) of ``year``, from ``holidays``' lunisolar table."""
    found, _estimated = _ChineseLunisolar().lunar_new_year_date(year)
    if found is None:  # outside the table the library covers (1901–2099)
        raise ValidationError("compliance.calendar.no_lunar_data", year=year)
    return found


def spring_festival(year: int, from_day: int = -1, to_day: int = 5) -> tuple[date, date]:
    """The Spring Festival period of ``year``: by default New Year's Eve (除夕) to day 6 (初六)."""
    first = lunar_new_year(year)
    return first + timedelta(days=from_day), first + timedelta(days=to_day)


def in_spring_festival(day: date, from_day: int = -1, to_day: int = 5) -> tuple[date, date] | None:
    """The period containing ``day`` (checking this and next lunar year), or ``None``."""
    for year in (day.year, day.year + 1):
        first, last = spring_festival(year, from_day, to_day)
        if first <= day <= last:
            return first, last
    return None
