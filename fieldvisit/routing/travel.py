"""The solve contract's travel model: WGS-84 geodesic distance x detour factor / speed, cached."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from geopy.distance import geodesic

from fieldvisit.routing.model import ProblemError, TravelMatrix

# Coordinates are rounded to 6 decimals (about 0.1 m) in the cache key: finer digits cannot
# change a whole-minute travel time, and rounding lets equal places share one entry.
_KEY_DIGITS = 6


@dataclass(frozen=True)
class Point:
    """A WGS-84 position in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ProblemError(f"({self.lat}, {self.lon}) is not a WGS-84 position")


@dataclass(frozen=True)
class TravelParams:
    """Speed and detour factor of the travel model."""

    speed_kmh: float = 30.0
    detour_factor: float = 1.3

    def __post_init__(self) -> None:
        if not self.speed_kmh > 0:
            raise ProblemError("travel speed must be > 0 km/h")
        if not self.detour_factor >= 1.0:
            raise ProblemError("the detour factor must be >= 1")


def leg(a: Point, b: Point, params: TravelParams) -> tuple[int, int]:
    """``(seconds, metres)`` of one leg.

    Seconds are rounded UP to a whole minute: the contract's times are whole minutes and an
    arrival must be at least the previous end plus the travel time, so rounding up keeps every
    stated time legal; metres are rounded to the nearest metre.
    """
    if a == b:
        return 0, 0
    metres = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters * params.detour_factor
    seconds = metres / (params.speed_kmh * 1000.0 / 3600.0)
    return 60 * math.ceil(round(seconds, 6) / 60), round(metres)


@lru_cache(maxsize=64)
def _cached(key: tuple[tuple[float, float], ...], speed: float, detour: float) -> TravelMatrix:
    params = TravelParams(speed, detour)
    points = [Point(lat, lon) for lat, lon in key]
    seconds = [[0] * len(points) for _ in points]
    meters = [[0] * len(points) for _ in points]
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            if i < j:
                # Geodesic distance is symmetric: compute each pair once.
                s, m = leg(a, b, params)
                seconds[i][j] = seconds[j][i] = s
                meters[i][j] = meters[j][i] = m
    return TravelMatrix.of(seconds, meters)


def matrix(points: Sequence[Point], params: TravelParams = TravelParams()) -> TravelMatrix:
    """Travel seconds and metres between all ``points`` (cached by rounded coordinates)."""
    key = tuple((round(p.lat, _KEY_DIGITS), round(p.lon, _KEY_DIGITS)) for p in points)
    return _cached(key, params.speed_kmh, params.detour_factor)
