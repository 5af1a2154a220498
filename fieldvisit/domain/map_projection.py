"""One map projection for every map, on screen and in PDFs: local Web-Mercator around the points."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_000.0
# The same colours on screen and on paper, so a printed route reads like the screen.
ROUTE_COLOUR = "#1f6fb2"
APPROVAL_COLOUR = "#d9822b"
MIN_SPAN_M = 1_500.0  # one stop still gets a readable neighbourhood scale


@dataclass(frozen=True)
class Projection:
    """Local Web-Mercator around the points' centre; ``y`` grows downwards like a screen's."""

    lat0: float
    lon0: float
    metres_per_unit: float
    centre_x: float
    centre_y: float

    def metres(self, lat: float, lon: float) -> tuple[float, float]:
        k = math.cos(math.radians(self.lat0))
        x = math.radians(lon - self.lon0) * k * EARTH_RADIUS_M
        y = _mercator_y(lat) - _mercator_y(self.lat0)
        return x, y * k * EARTH_RADIUS_M

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.metres(lat, lon)
        return self.centre_x + x / self.metres_per_unit, self.centre_y - y / self.metres_per_unit

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        """The (lat, lon) drawn at ``(x, y)``: the inverse of :meth:`project` (a click on a map)."""
        k = math.cos(math.radians(self.lat0)) * EARTH_RADIUS_M
        east = (x - self.centre_x) * self.metres_per_unit
        north = (self.centre_y - y) * self.metres_per_unit
        lon = self.lon0 + math.degrees(east / k)
        merc = _mercator_y(self.lat0) + north / k
        lat = math.degrees(2 * math.atan(math.exp(merc)) - math.pi / 2)
        return lat, lon


def around(lat: float, lon: float, span_m: float, width: float, height: float) -> Projection:
    """A ``width`` × ``height`` view centred on (lat, lon) whose shorter side spans ``span_m``."""
    per_unit = span_m / max(1.0, min(width, height))
    return Projection(lat, lon, per_unit, width / 2, height / 2)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit(
    points: Sequence[tuple[float, float]], width: float, height: float, margin: float
) -> Projection:
    """The projection that shows every (lat, lon) inside a ``width`` × ``height`` box."""
    if not points:
        return Projection(0.0, 0.0, 1.0, width / 2, height / 2)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    lat0, lon0 = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    probe = Projection(lat0, lon0, 1.0, 0.0, 0.0)
    xy = [probe.metres(lat, lon) for lat, lon in points]
    span_x = max(MIN_SPAN_M, 2 * max(abs(x) for x, _ in xy))
    span_y = max(MIN_SPAN_M, 2 * max(abs(y) for _, y in xy))
    usable_w, usable_h = max(1.0, width - 2 * margin), max(1.0, height - 2 * margin)
    per_unit = max(span_x / usable_w, span_y / usable_h)
    return Projection(lat0, lon0, per_unit, width / 2, height / 2)


@dataclass(frozen=True)
class MapStop:
    lat: float
    lon: float
    label: str
    needs_approval: bool = False
