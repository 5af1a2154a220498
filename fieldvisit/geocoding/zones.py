"""The time zone of a point, when a zone library is configured; the default zone otherwise."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from fieldvisit.domain.errors import ValidationError

ZoneFinder = Callable[[float, float], str | None]


def zone_finder(library: str | None) -> ZoneFinder | None:
    """A function (lat, lon) → IANA zone from ``library`` (``timezonefinder``), or None.

    The library is optional and never a dependency of FieldVisit: most teams work in one zone.
    """
    if not library:
        return None
    if library != "timezonefinder":
        raise ValidationError("geocode.error.zone_library", library=library)
    try:
        module = importlib.import_module("timezonefinder")
    except ImportError:
        raise ValidationError("geocode.error.zone_library", library=library) from None
    finder = module.TimezoneFinder()

    def find(lat: float, lon: float) -> str | None:
        zone = finder.timezone_at(lng=lon, lat=lat)
        return str(zone) if zone else None

    return find
