"""A small offline map: a case's addresses as points on a local projection, with a scale bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldvisit.domain.map_projection import fit
from fieldvisit.ui.maps.painting import draw_grid, draw_scale_bar

MARGIN = 36.0


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str
    primary: bool


class CaseMap(QWidget):
    """Equirectangular projection around the points' centre: exact enough for a few kilometres."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[MapPoint] = []
        self._empty_text = ""
        self.setMinimumSize(QSize(180, 160))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: list[MapPoint]) -> None:
        self._points = points
        self.update()

    def points(self) -> list[MapPoint]:
        return list(self._points)

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 220)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(area, palette.color(QPalette.ColorRole.Base))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(area)
        if not self._points:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._empty_text)
            return
        metres_per_px, project = self._projection(area)
        grid = QColor(palette.color(QPalette.ColorRole.Mid))
        grid.setAlpha(60)
        draw_grid(painter, area, grid, 40.0)
        self._draw_points(painter, project, palette)
        draw_scale_bar(
            painter, area, metres_per_px, palette.color(QPalette.ColorRole.Text), margin=12
        )

    def _projection(self, area: QRectF) -> tuple[float, Callable[[MapPoint], QPointF]]:
        projection = fit(
            [(p.lat, p.lon) for p in self._points], area.width(), area.height(), MARGIN
        )
        left, top = area.left(), area.top()

        def project(p: MapPoint) -> QPointF:
            x, y = projection.project(p.lat, p.lon)
            return QPointF(left + x, top + y)

        return projection.metres_per_unit, project

    def _draw_points(
        self, painter: QPainter, project: Callable[[MapPoint], QPointF], palette: QPalette
    ) -> None:
        accent = palette.color(QPalette.ColorRole.Highlight)
        other = QColor("#d9822b")
        text = palette.color(QPalette.ColorRole.Text)
        for point in self._points:
            at = project(point)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 2))
            painter.setBrush(accent if point.primary else other)
            painter.drawEllipse(at, 7.0, 7.0)
            painter.setPen(text)
            width = painter.fontMetrics().horizontalAdvance(point.label)
            # Labels near the right edge go to the left of their point, so none is cut off.
            dx = 10.0 if at.x() + 10 + width < self.width() - 4 else -10.0 - width
            painter.drawText(at + QPointF(dx, 5), point.label)
