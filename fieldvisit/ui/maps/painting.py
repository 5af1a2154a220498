"""Painting helpers shared by the map widgets."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from fieldvisit.domain.map_scale import nice_distance, scale_label


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


def draw_scale_bar(
    painter: QPainter, area: QRectF, metres_per_px: float, colour: QColor, margin: float = 14
) -> None:
    """A scale bar in the bottom-left corner of ``area``, about a quarter of its width."""
    metres = nice_distance(metres_per_px * area.width() / 4)
    left = QPointF(area.left() + margin, area.bottom() - margin)
    right = left + QPointF(metres / metres_per_px, 0)
    painter.setPen(QPen(colour, 2))
    painter.drawLine(left, right)
    painter.drawLine(left, left - QPointF(0, 5))
    painter.drawLine(right, right - QPointF(0, 5))
    painter.drawText(left + QPointF(0, -8), scale_label(metres))
