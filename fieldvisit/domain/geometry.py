"""Areas drawn on a map: parsing and checking a polygon, and which points lie inside it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

from fieldvisit.domain.errors import ValidationError

LatLon = tuple[float, float]
Key = TypeVar("Key")
MIN_VERTICES = 3
MAX_VERTICES = 2_000  # a freehand lasso samples the mouse; more than this is a mistake


def polygon(points: Iterable[Sequence[float]]) -> tuple[LatLon, ...]:
    """The checked vertices (lat, lon) of an area; a closing repeat of the first one is dropped."""
    vertices = [_vertex(index, point) for index, point in enumerate(points, start=1)]
    if len(vertices) > 1 and vertices[0] == vertices[-1]:
        vertices.pop()
    if len(set(vertices)) < MIN_VERTICES:
        raise ValidationError("assign.error.area_too_small", minimum=MIN_VERTICES)
    if len(vertices) > MAX_VERTICES:
        raise ValidationError("assign.error.area_too_large", maximum=MAX_VERTICES)
    return tuple(vertices)


def _vertex(index: int, point: Sequence[float]) -> LatLon:
    if len(point) != 2:
        raise ValidationError("assign.error.area_bad_point", index=index, point=str(point))
    lat, lon = float(point[0]), float(point[1])
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise ValidationError("assign.error.area_bad_point", index=index, point=f"{lat},{lon}")
    return lat, lon


def parse_polygon(text: str) -> tuple[LatLon, ...]:
    """``"lat,lon;lat,lon;..."`` (the command line's ``--area``) as a checked polygon."""
    points: list[tuple[float, float]] = []
    for index, part in enumerate((p for p in text.split(";") if p.strip()), start=1):
        pieces = part.split(",")
        try:
            lat, lon = (float(piece) for piece in pieces)
        except ValueError:
            raise ValidationError(
                "assign.error.area_bad_point", index=index, point=part.strip()
            ) from None
        points.append((lat, lon))
    return polygon(points)


def bounds(area: Sequence[LatLon]) -> tuple[float, float, float, float]:
    """(south, west, north, east): a cheap first test the database can run on an index."""
    lats, lons = [p[0] for p in area], [p[1] for p in area]
    return min(lats), min(lons), max(lats), max(lons)


def contains(area: Sequence[LatLon], lat: float, lon: float) -> bool:
    """Even-odd rule: is (lat, lon) inside the polygon ``area`` (self-crossing allowed)?

    A horizontal ray from the point towards the east crosses the boundary an odd number of times
    exactly when the point is inside. Each edge counts for the half-open latitude range
    [low, high), so a ray through a vertex is counted once. The side test is a cross product
    rather than a division, so it gives the same answer whichever way round an edge is listed.
    """
    inside = False
    previous = area[-1]
    for current in area:
        (lat_a, lon_a), (lat_b, lon_b) = previous, current
        if (lat_a > lat) != (lat_b > lat):
            side = (lon_b - lon_a) * (lat - lat_a) - (lat_b - lat_a) * (lon - lon_a)
            # The crossing lies east of the point when ``side`` has the sign of the edge's rise.
            if (side > 0) == (lat_b > lat_a) and side != 0:
                inside = not inside
        previous = current
    return inside


def inside(area: Sequence[LatLon], points: Iterable[tuple[Key, float, float]]) -> list[Key]:
    """The keys of ``points`` (key, lat, lon) that lie inside ``area``, in the given order."""
    south, west, north, east = bounds(area)
    return [
        key
        for key, lat, lon in points
        if south <= lat <= north and west <= lon <= east and contains(area, lat, lon)
    ]
