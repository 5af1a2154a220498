"""Local sunset from the NOAA solar algorithm (``astral``); polar day and night made explicit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import elevation, noon, sunset


@dataclass(frozen=True)
class Sunset:
    """Sunset on one date at one place: ``at`` is ``None`` on polar days and nights."""

    at: datetime | None
    polar_day: bool = False
    polar_night: bool = False


@lru_cache(maxsize=16384)
def local_sunset(lat: float, lon: float, day: date, tz_name: str) -> Sunset:
    """Sunset (refraction-corrected, upper limb) in the local time zone of ``tz_name``."""
    tz = ZoneInfo(tz_name)
    observer = Observer(latitude=lat, longitude=lon)
    try:
        return Sunset(at=sunset(observer, day, tzinfo=tz))
    except ValueError:
        # astral raises when the sun never crosses the horizon; solar-noon elevation tells which.
        high = elevation(observer, noon(observer, day, tzinfo=tz)) > 0
        return Sunset(at=None, polar_day=high, polar_night=not high)
