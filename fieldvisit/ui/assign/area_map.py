"""The assignment map: a team's cases coloured by crew, and a lasso to select an area."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldvisit.domain.map_projection import EARTH_RADIUS_M, Projection, fit
from fieldvisit.services.planning.assignment import MapCase
from fieldvisit.ui.maps.painting import draw_grid, draw_scale_bar

MARGIN = 36.0
MIN_STEP_PX = 4.0  # a lasso point every few pixels: smooth enough, never thousands
LASSO_COLOUR = QColor("#1f6fb2")
NO_CREW_COLOUR = QColor("#9aa5b1")
# Distinct on white and for the common colour-vision deficiencies (Okabe–Ito, then extras).
CREW_COLOURS = tuple(
    QColor(c)
    for c in (
        "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#7a5c00", "#6a3d9a",
    )
)  # fmt: skip
LatLon = tuple[float, float]


def crew_colour(crew_id: int | None, crew_ids: Sequence[int]) -> QColor:
    """The same crew keeps its colour while the list of crews stays the same."""
    if crew_id is None or crew_id not in crew_ids:
        return NO_CREW_COLOUR
    return CREW_COLOURS[list(crew_ids).index(crew_id) % len(CREW_COLOURS)]


def unproject(projection: Projection, x: float, y: float) -> LatLon:
    """The (lat, lon) under widget point (x, y): ``Projection.project`` backwards."""
    k = math.cos(math.radians(projection.lat0))
    east = (x - projection.centre_x) * projection.metres_per_unit
    north = (projection.centre_y - y) * projection.metres_per_unit
    lon = projection.lon0 + math.degrees(east / (k * EARTH_RADIUS_M))
    mercator = math.log(math.tan(math.pi / 4 + math.radians(projection.lat0) / 2))
    mercator += north / (k * EARTH_RADIUS_M)
    lat = math.degrees(2 * math.atan(math.exp(mercator)) - math.pi / 2)
    return lat, lon


class AssignMap(QWidget):
    """Drag with the left button to draw an area; ``area_drawn`` gives its (lat, lon) vertices."""

    area_drawn = Signal(list)  # list[tuple[float, float]]
    area_cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[MapCase] = []
        self._crews: list[int] = []
        self._legend: list[tuple[str, QColor]] = []
        self._selected: set[int] = set()
        self._lasso: list[QPointF] = []
        self._area: list[LatLon] = []
        self._drawing = False
        self._projection: Projection | None = None
        self._empty_text = self._hint = self._no_crew = ""
        self.setMinimumSize(QSize(260, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # --- data ---------------------------------------------------------------------------------
    def set_points(self, points: Sequence[MapCase], crews: Sequence[tuple[int, str]]) -> None:
        """The cases to show and the crews (id, name) that give the colours and the legend."""
        self._points = list(points)
        self._crews = [crew_id for crew_id, _ in crews]
        self._legend = [(name, crew_colour(i, self._crews)) for i, name in crews]
        self._projection = None
        self.update()

    def set_selected(self, case_ids: set[int]) -> None:
        self._selected = set(case_ids)
        self.update()

    def set_texts(self, empty: str, hint: str, no_crew: str) -> None:
        self._empty_text, self._hint, self._no_crew = empty, hint, no_crew
        self.update()

    def points(self) -> list[MapCase]:
        return list(self._points)

    def selected(self) -> set[int]:
        return set(self._selected)

    def area(self) -> list[LatLon]:
        return list(self._area)

    def position_of(self, case_id: int) -> QPointF | None:
        """Where a case is drawn (tests drive the lasso with it)."""
        projection = self._current_projection()
        for point in self._points:
            if point.case_id == case_id and projection is not None:
                return self._at(projection, point.lat, point.lon)
        return None

    def draw_area(self, area: Sequence[LatLon]) -> None:
        """Select an area given in coordinates, as if it had been drawn."""
        self._area = [(float(lat), float(lon)) for lat, lon in area]
        self._lasso = []
        self.update()
        self.area_drawn.emit(list(self._area))

    def clear_area(self) -> None:
        self._area, self._lasso = [], []
        self.update()
        self.area_cleared.emit()

    # --- Qt overrides -------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 420)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._projection = None
        super().resizeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or not self._points:
            super().mousePressEvent(event)
            return
        self._drawing = True
        self._lasso = [event.position()]
        self._area = []
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._drawing:
            return
        last = self._lasso[-1]
        here = event.position()
        if abs(here.x() - last.x()) + abs(here.y() - last.y()) >= MIN_STEP_PX:
            self._lasso.append(here)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if not self._drawing or event.button() != Qt.MouseButton.LeftButton:
            return
        self._drawing = False
        self._lasso.append(event.position())
        projection = self._current_projection()
        if len(self._lasso) < 3 or projection is None:
            self._lasso = []
            self.update()
            return  # a click, not an area
        self.draw_area([unproject(projection, p.x() - 1, p.y() - 1) for p in self._lasso])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and (self._area or self._lasso):
            self.clear_area()
            return
        super().keyPressEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(area, QColor("#f5f7fa"))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(area)
        projection = self._current_projection()
        if projection is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        draw_grid(painter, area, QColor(160, 170, 180, 60), 48.0)
        self._draw_points(painter, projection)
        self._draw_area(painter, projection)
        self._draw_legend(painter)
        draw_scale_bar(painter, area, projection.metres_per_unit, QColor("#1d2733"))
        painter.setPen(QColor("#52606d"))
        painter.drawText(
            area.adjusted(8, 8, -8, -8),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            self._hint,
        )

    # --- painting -----------------------------------------------------------------------------
    def _current_projection(self) -> Projection | None:
        if not self._points:
            return None
        if self._projection is None:
            located = [(p.lat, p.lon) for p in self._points]
            self._projection = fit(located, self.width() - 2, self.height() - 2, MARGIN)
        return self._projection

    @staticmethod
    def _at(projection: Projection, lat: float, lon: float) -> QPointF:
        x, y = projection.project(lat, lon)
        return QPointF(x + 1, y + 1)

    def _draw_points(self, painter: QPainter, projection: Projection) -> None:
        # Unselected first, so the selection is never hidden under other points.
        ordered = sorted(self._points, key=lambda p: p.case_id in self._selected)
        for point in ordered:
            at = self._at(projection, point.lat, point.lon)
            chosen = point.case_id in self._selected
            outline = QColor("#1d2733") if chosen else QColor(Qt.GlobalColor.white)
            painter.setPen(QPen(outline, 2 if chosen else 1))
            painter.setBrush(crew_colour(point.crew_id, self._crews))
            radius = 6.5 if chosen else 4.5
            painter.drawEllipse(at, radius, radius)

    def _draw_area(self, painter: QPainter, projection: Projection) -> None:
        if self._lasso:
            outline = QPolygonF(self._lasso)
        elif self._area:
            outline = QPolygonF([self._at(projection, lat, lon) for lat, lon in self._area])
        else:
            return
        fill = QColor(LASSO_COLOUR)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.setPen(QPen(LASSO_COLOUR, 1.5, Qt.PenStyle.DashLine))
        if self._drawing:
            painter.drawPolyline(outline)
        else:
            painter.drawPolygon(outline)

    def _draw_legend(self, painter: QPainter) -> None:
        entries = [*self._legend, (self._no_crew, NO_CREW_COLOUR)]
        metrics = painter.fontMetrics()
        line = metrics.height() + 4
        width = max(metrics.horizontalAdvance(text) for text, _ in entries) + 30
        box = QRectF(8, 8, width, line * len(entries) + 8)
        painter.setPen(QPen(QColor(200, 205, 212), 1))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(box, 4, 4)
        for row, (text, colour) in enumerate(entries):
            y = box.top() + 4 + row * line + line / 2
            painter.setPen(Qt.GlobalColor.white)
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(box.left() + 12, y), 5, 5)
            painter.setPen(QColor("#1d2733"))
            painter.drawText(QPointF(box.left() + 22, y + metrics.ascent() / 2 - 1), text)
