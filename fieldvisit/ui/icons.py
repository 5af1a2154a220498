"""The one icon loader: SVG files from ``resources/icons``, drawn in the palette's text colour."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

# Drawn large once; QIcon scales down crisply for toolbars and lists on high-DPI screens.
RENDER_SIZE = 64


@cache
def _svg_text(name: str) -> str:
    path = resources.files("fieldvisit.resources").joinpath("icons", f"{name}.svg")
    return path.read_text(encoding="utf-8")


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; ``currentColor`` becomes ``color`` (dark themes)."""
    tint = (color or QColor(Qt.GlobalColor.black)).name()
    data = QByteArray(_svg_text(name).replace("currentColor", tint).encode("utf-8"))
    renderer = QSvgRenderer(data)
    pixmap = QPixmap(RENDER_SIZE, RENDER_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return QIcon(pixmap)
