"""Sunset against published local sunset times, within ±2 minutes.

Sources: CBS News New York, 2023-12-21 (sunset 4:31 p.m.); UK press on the 2022 winter solstice
(London 3.53pm); the other rows from timeanddate.com's tables for those cities and dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldvisit.domain.compliance.sun import local_sunset

# city, lat, lon, zone, date, published local sunset (HH:MM)
PUBLISHED = [
    ("London", 51.5072, -0.1276, "Europe/London", date(2026, 6, 21), "21:21"),
    ("London", 51.5072, -0.1276, "Europe/London", date(2022, 12, 21), "15:53"),
    ("New York", 40.7128, -74.0060, "America/New_York", date(2026, 6, 21), "20:31"),
    ("New York", 40.7128, -74.0060, "America/New_York", date(2023, 12, 21), "16:31"),
    ("Beijing", 39.9042, 116.4074, "Asia/Shanghai", date(2026, 6, 21), "19:46"),
    ("Beijing", 39.9042, 116.4074, "Asia/Shanghai", date(2026, 12, 21), "16:53"),
    ("Sydney", -33.8688, 151.2093, "Australia/Sydney", date(2026, 6, 21), "16:54"),
    ("Sydney", -33.8688, 151.2093, "Australia/Sydney", date(2026, 12, 21), "20:05"),
]


@pytest.mark.parametrize(("city", "lat", "lon", "zone", "day", "published"), PUBLISHED)
def test_sunset_matches_published(
    city: str, lat: float, lon: float, zone: str, day: date, published: str
) -> None:
    found = local_sunset(lat, lon, day, zone).at
    assert found is not None
    hours, minutes = (int(x) for x in published.split(":"))
    expected = datetime.combine(day, time(hours, minutes), ZoneInfo(zone))
    assert abs(found - expected) <= timedelta(minutes=2), (city, found)
    assert found.utcoffset() == expected.utcoffset()


def test_polar_day_and_night() -> None:
    summer = local_sunset(78.22, 15.65, date(2026, 6, 21), "Arctic/Longyearbyen")
    winter = local_sunset(78.22, 15.65, date(2026, 12, 21), "Arctic/Longyearbyen")
    assert summer.at is None
    assert summer.polar_day
    assert winter.at is None
    assert winter.polar_night
