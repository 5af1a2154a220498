"""The safety board's table: one row per live session, columns declared as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from fieldvisit.i18n import translate
from fieldvisit.services.field.board import BoardRow

_Index = QModelIndex | QPersistentModelIndex
URGENT = QColor("#f8d7da")
LATE = QColor("#fff3cd")


def _minutes(delta: timedelta) -> str:
    """h:mm, with a minus sign once the time is past."""
    total = int(delta.total_seconds() // 60)
    sign, total = ("-" if total < 0 else ""), abs(total)
    return f"{sign}{total // 60}:{total % 60:02d}"


def _status(row: BoardRow, lang: str) -> str:
    if row.alarms:
        alarm = row.alarms[0]
        kind = translate(f"safety.alarm.{alarm.kind.value}", lang)
        return translate("safety.board.alarm_step", lang, kind=kind, step=alarm.step)
    return translate(f"safety.state.{row.state.value}", lang)


def _audience(row: BoardRow, lang: str) -> str:
    if not row.alarms:
        return ""
    return translate(f"safety.audience.{row.alarms[0].audience}", lang)


def _owner(row: BoardRow, lang: str) -> str:
    owners = [a.acknowledged_by for a in row.alarms if a.acknowledged_by]
    return ", ".join(owners) if owners else ("—" if row.alarms else "")


def _place(row: BoardRow, lang: str) -> str:
    if row.last_lat is None or row.last_lon is None:
        return row.address or ""
    return f"{row.last_lat:.5f}, {row.last_lon:.5f}"


@dataclass(frozen=True)
class Column:
    key: str
    text: Callable[[BoardRow, str, datetime], str]


COLUMNS: tuple[Column, ...] = (
    Column("status", lambda r, lang, now: _status(r, lang)),
    Column("crew", lambda r, lang, now: f"{r.crew}（{'、'.join(r.members)}）"),
    Column("case", lambda r, lang, now: r.case_number or ""),
    Column("risk", lambda r, lang, now: translate(f"safety.tier.{r.risk_tier}", lang)),
    Column("elapsed", lambda r, lang, now: _minutes(now - r.opened_at)),
    Column("due", lambda r, lang, now: _minutes(r.expected_end - now)),
    Column("place", lambda r, lang, now: _place(r, lang)),
    Column("alerted", lambda r, lang, now: _audience(r, lang)),
    Column("owner", lambda r, lang, now: _owner(r, lang)),
)


class SafetyBoardModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self._rows: tuple[BoardRow, ...] = ()
        self._now = datetime.min

    def set_rows(self, rows: tuple[BoardRow, ...], now: datetime) -> None:
        self.beginResetModel()
        self._rows, self._now = rows, now
        self.endResetModel()

    def row_at(self, row: int) -> BoardRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()].text(row, self._lang, self._now)
        if role == Qt.ItemDataRole.BackgroundRole and row.urgency < 3:
            return QBrush(URGENT if row.urgency < 2 else LATE)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(COLUMNS):
            return None
        return translate(f"safety.board.col.{COLUMNS[section].key}", self._lang)
