"""A horizontal bar chart of the outcome mix: where a picture says more than the table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_HEIGHT = 18
LABEL_WIDTH = 110
GAP = 6
BAR_COLOR = QColor("#3b6ea5")


class BarChart(QWidget):
    """Labels on the left, bars scaled to the largest value, the value after each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: Sequence[tuple[str, int]]) -> None:
        self._bars = list(bars)
        self.updateGeometry()
        self.update()

    def bars(self) -> list[tuple[str, int]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, max(1, len(self._bars)) * (BAR_HEIGHT + GAP) + GAP)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        if not self._bars:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        largest = max(value for _label, value in self._bars) or 1
        room = max(10, self.width() - LABEL_WIDTH - 60)
        for index, (label, value) in enumerate(self._bars):
            top = GAP + index * (BAR_HEIGHT + GAP)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, top, LABEL_WIDTH - GAP, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            width = room * value / largest
            painter.fillRect(QRectF(LABEL_WIDTH, top, width, BAR_HEIGHT), BAR_COLOR)
            painter.drawText(
                QRectF(LABEL_WIDTH + width + GAP, top, 60, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.end()
