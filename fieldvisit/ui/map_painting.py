"""Painting helpers shared by the map widgets."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen


def draw_grid(painter: QPainter, area: QRectF, colour: QColor, step: float) -> None:
    """A dotted grid over ``area``, so a map without tiles still shows distance and direction."""
    painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
    x = area.left() + step
    while x < area.right():
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        x += step
    y = area.top() + step
    while y < area.bottom():
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        y += step
