"""Optional map tiles under the route: fetched from a configured URL, cached on disk."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QUrl, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from fieldvisit.domain.map_projection import EARTH_RADIUS_M, Projection

TILE = 256
MAX_ZOOM = 19
USER_AGENT = b"FieldVisit route map"


def zoom_for(projection: Projection) -> int:
    """The tile zoom whose pixels are closest to the map's own scale."""
    per_radian = math.cos(math.radians(projection.lat0)) * EARTH_RADIUS_M
    wanted = per_radian / projection.metres_per_unit * 2 * math.pi / TILE
    return max(0, min(MAX_ZOOM, round(math.log2(max(wanted, 1e-9)))))


def tile_rect(projection: Projection, z: int, x: int, y: int) -> QRectF:
    """Where tile (z, x, y) of the Web-Mercator grid falls in the map's coordinates."""
    per_radian = (
        math.cos(math.radians(projection.lat0)) * EARTH_RADIUS_M / projection.metres_per_unit
    )
    scale = TILE * 2**z / (2 * math.pi)
    lon0 = math.radians(projection.lon0)
    merc0 = math.log(math.tan(math.pi / 4 + math.radians(projection.lat0) / 2))

    def screen(px: float, py: float) -> tuple[float, float]:
        sx = projection.centre_x + (px / scale - math.pi - lon0) * per_radian
        sy = projection.centre_y - (math.pi - py / scale - merc0) * per_radian
        return sx, sy

    left, top = screen(x * TILE, y * TILE)
    right, bottom = screen((x + 1) * TILE, (y + 1) * TILE)
    return QRectF(left, top, right - left, bottom - top)


def tiles_covering(
    projection: Projection, width: float, height: float
) -> list[tuple[int, int, int]]:
    z = zoom_for(projection)
    count = 2**z
    first = tile_rect(projection, z, 0, 0)
    size = first.width()
    x0, y0 = math.floor(-first.left() / size), math.floor(-first.top() / size)
    x1, y1 = math.floor((width - first.left()) / size), math.floor((height - first.top()) / size)
    return [
        (z, x, y)
        for x in range(max(0, x0), min(count - 1, x1) + 1)
        for y in range(max(0, y0), min(count - 1, y1) + 1)
    ]


class TileLayer(QObject):
    """Tiles from ``url`` (``{z}/{x}/{y}`` placeholders) kept in ``cache``; never blocks."""

    tile_arrived = Signal()

    def __init__(self, url: str, cache: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url, self._cache = url, cache
        self._network = QNetworkAccessManager(self)
        self._pending: set[tuple[int, int, int]] = set()
        self._failed: set[tuple[int, int, int]] = set()

    def path(self, key: tuple[int, int, int]) -> Path:
        z, x, y = key
        return self._cache / str(z) / str(x) / f"{y}.png"

    def draw(self, painter: QPainter, projection: Projection, width: float, height: float) -> None:
        for key in tiles_covering(projection, width, height):
            path = self.path(key)
            if path.is_file():
                pixmap = QPixmap(str(path))
                if not pixmap.isNull():
                    painter.drawPixmap(tile_rect(projection, *key), pixmap, QRectF(pixmap.rect()))
                    continue
            self._fetch(key)

    def _fetch(self, key: tuple[int, int, int]) -> None:
        if key in self._pending or key in self._failed:
            return
        z, x, y = key
        request = QNetworkRequest(QUrl(self._url.format(z=z, x=x, y=y)))
        request.setRawHeader(b"User-Agent", USER_AGENT)  # tile servers refuse anonymous clients
        reply = self._network.get(request)
        self._pending.add(key)
        reply.finished.connect(lambda: self._on_reply_finished(key, reply))

    def _on_reply_finished(self, key: tuple[int, int, int], reply: QNetworkReply) -> None:
        self._pending.discard(key)
        data = bytes(reply.readAll().data())
        reply.deleteLater()
        if reply.error() != QNetworkReply.NetworkError.NoError or not data:
            self._failed.add(key)  # offline or refused: the vector map stays as it is
            return
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.tile_arrived.emit()
