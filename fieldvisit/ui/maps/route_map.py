"""The route map: numbered stops joined in order over the crew's area, drawn offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldvisit.domain.map_projection import (
    APPROVAL_COLOUR,
    ROUTE_COLOUR,
    MapStop,
    Projection,
    fit,
)
from fieldvisit.ui.maps.painting import draw_grid, draw_scale_bar
from fieldvisit.ui.maps.route_tiles import TileLayer

MARGIN = 40.0
PROBLEM_COLOUR = "#c62828"


class PlanMap(QWidget):
    """Web-Mercator around the route (the PDF's projection); a grid and a scale bar for scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stops: list[MapStop] = []
        self._problems: set[int] = set()
        self._area: list[tuple[float, float]] = []
        self._base: tuple[float, float] | None = None
        self._base_label = ""
        self._empty_text = ""
        self.tiles: TileLayer | None = None
        self.route_colour = ROUTE_COLOUR  # the team plan draws each crew in its own colour
        self.setMinimumSize(QSize(240, 200))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_route(
        self,
        stops: Sequence[MapStop],
        base: tuple[float, float] | None,
        problems: Sequence[int] = (),
    ) -> None:
        """``problems``: positions (0-based) of stops that break a rule in this order."""
        self._stops, self._base, self._problems = list(stops), base, set(problems)
        self.update()

    def set_area(self, points: Sequence[tuple[float, float]]) -> None:
        """The crew's candidate addresses: drawn faintly, they fix the map's extent."""
        self._area = list(points)
        self.update()

    def set_tiles(self, url: str | None, cache: Path | None) -> None:
        """Draw tiles from ``url`` (``{z}/{x}/{y}``) under the route, cached in ``cache``."""
        if self.tiles is not None:
            self.tiles.deleteLater()
        self.tiles = None
        if url and cache is not None:
            self.tiles = TileLayer(url, cache, self)
            self.tiles.tile_arrived.connect(self.update)
        self.update()

    def set_texts(self, empty: str, base_label: str) -> None:
        self._empty_text, self._base_label = empty, base_label
        self.update()

    def stops(self) -> list[MapStop]:
        return list(self._stops)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 360)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(area, QColor("#f5f7fa"))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(area)
        points = [(s.lat, s.lon) for s in self._stops] + self._area
        points += [self._base] if self._base else []
        if not points:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        projection = fit(points, area.width(), area.height(), MARGIN)
        if self.tiles is not None:
            painter.save()
            painter.setClipRect(area)
            painter.translate(1, 1)
            self.tiles.draw(painter, projection, area.width(), area.height())
            painter.restore()
        draw_grid(painter, area, QColor(160, 170, 180, 60), 48.0)
        self._draw_area(painter, projection)
        self._draw_route(painter, projection)
        draw_scale_bar(painter, area, projection.metres_per_unit, QColor("#1d2733"))

    def _at(self, projection: Projection, lat: float, lon: float) -> QPointF:
        x, y = projection.project(lat, lon)
        return QPointF(x + 1, y + 1)

    def _draw_area(self, painter: QPainter, projection: Projection) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(120, 130, 140, 90))
        for lat, lon in self._area:
            painter.drawEllipse(self._at(projection, lat, lon), 2.5, 2.5)

    def _draw_route(self, painter: QPainter, projection: Projection) -> None:
        path = [self._at(projection, s.lat, s.lon) for s in self._stops]
        if self._base:
            home = self._at(projection, *self._base)
            path = [home, *path, home] if path else [home]
        painter.setPen(QPen(QColor(self.route_colour), 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(path))
        if self._base:
            home = self._at(projection, *self._base)
            painter.setPen(QPen(Qt.GlobalColor.white, 1.5))
            painter.setBrush(Qt.GlobalColor.black)
            painter.drawRect(QRectF(home.x() - 6, home.y() - 6, 12, 12))
            painter.setPen(Qt.GlobalColor.black)
            painter.drawText(home + QPointF(10, 5), self._base_label)
        places = [self._at(projection, stop.lat, stop.lon) for stop in self._stops]
        # Labels give way to every stop's circle and to labels already drawn.
        taken = [QRectF(p.x() - 10, p.y() - 10, 20, 20) for p in places]
        for number, (stop, at) in enumerate(zip(self._stops, places, strict=True), start=1):
            self._draw_stop(painter, at, number, stop, taken)

    def _draw_stop(
        self, painter: QPainter, at: QPointF, number: int, stop: MapStop, taken: list[QRectF]
    ) -> None:
        colour = self.route_colour
        if stop.needs_approval:
            colour = APPROVAL_COLOUR
        if number - 1 in self._problems:
            colour = PROBLEM_COLOUR
        painter.setPen(QPen(Qt.GlobalColor.white, 1.5))
        painter.setBrush(QColor(colour))
        painter.drawEllipse(at, 10.0, 10.0)
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(QRectF(at.x() - 10, at.y() - 10, 20, 20), Qt.AlignmentFlag.AlignCenter,
                         str(number))  # fmt: skip
        metrics = painter.fontMetrics()
        box = QRectF(at.x() + 12, at.y() - 14, metrics.horizontalAdvance(stop.label), 14)
        if box.right() > self.width() - 4:
            box.moveRight(at.x() - 12)
        # Crowded stops keep their number; a label that would cover another one is left out.
        if any(box.intersects(other) for other in taken):
            return
        taken.append(box)
        painter.setPen(QColor("#1d2733"))
        painter.drawText(box.bottomLeft() - QPointF(0, 3), stop.label)
