"""A map to pick one place by clicking (a crew's base): offline grid, known places, tiles."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldvisit.domain.map_projection import Projection, around
from fieldvisit.ui.maps.case_map import MapPoint
from fieldvisit.ui.maps.painting import draw_grid, draw_scale_bar
from fieldvisit.ui.maps.route_tiles import TileLayer

PICK_COLOUR = "#c62828"
MIN_SPAN_M, MAX_SPAN_M = 200.0, 400_000.0
DEFAULT_SPAN_M = 20_000.0


class BasePicker(QWidget):
    """Click to place the marker (``picked`` gives its lat and lon); the wheel zooms.

    The view is centred on the marker, else on the known places (other crews' bases) drawn in
    grey with their names, so a base can be placed relative to them even without map tiles.
    """

    picked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marker: tuple[float, float] | None = None
        self.references: list[MapPoint] = []
        self.centre: tuple[float, float] = (0.0, 0.0)
        self.span_m = DEFAULT_SPAN_M
        self.tiles: TileLayer | None = None
        self.setMinimumSize(QSize(360, 280))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def show_places(
        self, marker: tuple[float, float] | None, references: Sequence[MapPoint]
    ) -> None:
        """The current base (or none) and the places to find one's way by."""
        self.marker, self.references = marker, list(references)
        anchor = [marker] if marker else [(p.lat, p.lon) for p in references]
        if anchor:
            lats, lons = [a[0] for a in anchor], [a[1] for a in anchor]
            self.centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
        self.update()

    def set_tiles(self, url: str | None, cache: Path | None) -> None:
        """Draw tiles from ``url`` (``{z}/{x}/{y}``) under the places, cached in ``cache``."""
        self.tiles = None
        if url and cache is not None:
            self.tiles = TileLayer(url, cache, self)
            self.tiles.tile_arrived.connect(self.update)
        self.update()

    def projection(self) -> Projection:
        return around(*self.centre, self.span_m, self.width(), self.height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(520, 380)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            return
        at = event.position()
        lat, lon = self.projection().unproject(at.x(), at.y())
        self.marker = (round(lat, 6), round(lon, 6))  # about 0.1 m: finer means nothing here
        self.update()
        self.picked.emit(*self.marker)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        factor = 0.5 if event.angleDelta().y() > 0 else 2.0
        self.span_m = min(MAX_SPAN_M, max(MIN_SPAN_M, self.span_m * factor))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.fillRect(area, QColor("#f5f7fa"))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(area)
        projection = self.projection()
        if self.tiles is not None:
            painter.save()
            painter.setClipRect(area)
            self.tiles.draw(painter, projection, self.width(), self.height())
            painter.restore()
        draw_grid(painter, area, QColor(160, 170, 180, 60), 48.0)
        for point in self.references:
            self._dot(painter, projection, (point.lat, point.lon), QColor("#6b7785"), point.label)
        if self.marker is not None:
            self._dot(painter, projection, self.marker, QColor(PICK_COLOUR), "", radius=8.0)
        draw_scale_bar(painter, area, projection.metres_per_unit, QColor("#1d2733"))

    def _dot(
        self,
        painter: QPainter,
        projection: Projection,
        place: tuple[float, float],
        colour: QColor,
        label: str,
        radius: float = 5.0,
    ) -> None:
        x, y = projection.project(*place)
        painter.setPen(QPen(Qt.GlobalColor.white, 1.5))
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(x, y), radius, radius)
        if label:
            painter.setPen(QColor("#1d2733"))
            painter.drawText(QPointF(x + radius + 4, y + 5), label)
