"""The route map drawn for the PDF route sheet (reportlab); the projection is the domain's."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from fieldvisit.domain.map_projection import APPROVAL_COLOUR, ROUTE_COLOUR, MapStop, fit
from fieldvisit.domain.map_scale import nice_distance, scale_label


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
