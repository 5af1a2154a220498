"""The route map's projection (shared by the screen and the PDF) and its reportlab drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from fieldvisit.domain.map_scale import nice_distance, scale_label

EARTH_RADIUS_M = 6_371_000.0
MIN_SPAN_M = 1_500.0  # one stop still gets a readable neighbourhood scale
ROUTE_COLOUR = "#1f6fb2"
APPROVAL_COLOUR = "#d9822b"


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


def route_drawing(
    stops: Sequence[MapStop],
    base: tuple[float, float] | None,
    width: float,
    height: float,
    font: str,
    base_label: str,
) -> Drawing:
    """Numbered stops joined in order, the start/end marker, labels and a scale bar."""
    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f5f7fa"), strokeWidth=0.5))
    points = [(s.lat, s.lon) for s in stops] + ([base] if base else [])
    projection = fit(points, width, height, 24)

    def at(lat: float, lon: float) -> tuple[float, float]:
        x, y = projection.project(lat, lon)
        return x, height - y  # reportlab's y grows upwards

    path = [at(*base)] if base else []
    path += [at(s.lat, s.lon) for s in stops]
    path += [at(*base)] if base and stops else []
    if len(path) > 1:
        flat = [c for xy in path for c in xy]
        drawing.add(PolyLine(flat, strokeColor=colors.HexColor(ROUTE_COLOUR), strokeWidth=1.4))
    if base:
        x, y = at(*base)
        drawing.add(Rect(x - 5, y - 5, 10, 10, fillColor=colors.black, strokeColor=colors.white))
        drawing.add(String(x + 8, y - 3, base_label, fontName=font, fontSize=7))
    _draw_stops(drawing, stops, [at(stop.lat, stop.lon) for stop in stops], font)
    _scale_bar(drawing, projection.metres_per_unit, width, font)
    return drawing


def _draw_stops(
    drawing: Drawing, stops: Sequence[MapStop], places: list[tuple[float, float]], font: str
) -> None:
    # Labels give way to every stop's circle and to labels already placed.
    taken = [(x - 7, y - 7, x + 7, y + 7) for x, y in places]
    for number, (stop, (x, y)) in enumerate(zip(stops, places, strict=True), start=1):
        fill = APPROVAL_COLOUR if stop.needs_approval else ROUTE_COLOUR
        drawing.add(Circle(x, y, 7, fillColor=colors.HexColor(fill), strokeColor=colors.white))
        drawing.add(
            String(x, y - 2.6, str(number), fontName=font, fontSize=7.5,
                   fillColor=colors.white, textAnchor="middle")
        )  # fmt: skip
        box = (x + 8, y + 1, x + 10 + 3.7 * len(stop.label), y + 12)
        if not any(_overlap(box, other) for other in taken):
            taken.append(box)
            drawing.add(String(x + 9, y + 4, stop.label, fontName=font, fontSize=6.5))


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _scale_bar(drawing: Drawing, metres_per_unit: float, width: float, font: str) -> None:
    metres = nice_distance(metres_per_unit * width / 4)
    length = metres / metres_per_unit
    left, y = 10.0, 10.0
    drawing.add(Line(left, y, left + length, y, strokeWidth=1.5))
    drawing.add(Line(left, y, left, y + 4, strokeWidth=1.5))
    drawing.add(Line(left + length, y, left + length, y + 4, strokeWidth=1.5))
    drawing.add(String(left, y + 6, scale_label(metres), fontName=font, fontSize=7))
