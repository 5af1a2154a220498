"""The team plan's map: every crew's route over one area, each crew in its own colour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from fieldvisit.domain.map_projection import MapStop, Projection
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.ui.maps.route_map import PlanMap
from fieldvisit.ui.plan.models import RouteRow

# Distinct from the stop colours for approval (orange) and problems (red).
CREW_COLOURS: tuple[str, ...] = (
    "#1f6fb2",
    "#2e7d32",
    "#6a1b9a",
    "#00838f",
    "#5d4037",
    "#ad1457",
    "#37474f",
    "#827717",
)


def crew_colour(index: int) -> str:
    return CREW_COLOURS[index % len(CREW_COLOURS)]


@dataclass(frozen=True)
class CrewLine:
    """One crew's route as drawn: its stops in order, its base, positions of broken stops."""

    stops: tuple[MapStop, ...]
    base: tuple[float, float] | None
    colour: str
    problems: tuple[int, ...] = ()


def crew_line(rows: Sequence[RouteRow], base: tuple[float, float] | None, colour: str) -> CrewLine:
    """A crew's route table as the map draws it: stops needing approval and broken ones marked."""
    stops = tuple(
        MapStop(
            r.stop.lat, r.stop.lon, r.stop.case_number, r.stop.status is Eligibility.NEEDS_APPROVAL
        )
        for r in rows
    )
    broken = tuple(i for i, r in enumerate(rows) if r.problems or not r.stop.check.fits)
    return CrewLine(stops, base, colour, broken)


class TeamMap(PlanMap):
    """``PlanMap`` drawing several routes: each crew's route is drawn in turn in its colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[CrewLine] = []
        self._taken: list[QRectF] = []  # circles and labels of every crew, so labels give way

    def set_lines(self, lines: Sequence[CrewLine]) -> None:
        self._lines = list(lines)
        # Every stop and base fixes the map's extent; the routes themselves are drawn per crew.
        points = [(s.lat, s.lon) for line in lines for s in line.stops]
        self.set_area(points + [line.base for line in lines if line.base])

    def lines(self) -> list[CrewLine]:
        return list(self._lines)

    def _draw_route(self, painter: QPainter, projection: Projection) -> None:
        self._taken = [
            QRectF(at.x() - 10, at.y() - 10, 20, 20)
            for at in (
                self._at(projection, s.lat, s.lon) for line in self._lines for s in line.stops
            )
        ]
        for line in self._lines:
            self._stops, self._base, self._problems = (
                list(line.stops),
                line.base,
                set(line.problems),
            )
            self.route_colour = line.colour
            super()._draw_route(painter, projection)
        self._stops, self._base, self._problems = [], None, set()

    def _draw_stop(
        self, painter: QPainter, at: QPointF, number: int, stop: MapStop, taken: list[QRectF]
    ) -> None:
        # One crew's own list knows only its stops; every crew's stops and labels count here.
        super()._draw_stop(painter, at, number, stop, self._taken)
