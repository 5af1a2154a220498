"""The Records screen's table: one row per visit record version, columns declared as data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from fieldvisit.i18n import translate
from fieldvisit.services.records.visit_records import RecordRow

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("records.col.record", "record_id"),
    ("records.col.version", "version"),
    ("records.col.case", "case_number"),
    ("records.col.debtor", "debtor"),
    ("records.col.recorded_at", "recorded_at"),
    ("records.col.team", "team"),
    ("records.col.crew", "crew"),
    ("records.col.outcome", "outcome_code"),
    ("records.col.code", "code"),
)


class RecordTableModel(QAbstractTableModel):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self._lang = lang
        self._rows: list[RecordRow] = []

    def set_rows(self, rows: Sequence[RecordRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RecordRow:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        attribute = COLUMNS[index.column()][1]
        value = getattr(row, attribute)
        if attribute == "outcome_code":
            return translate(f"records.outcome.{value}", self._lang)
        if attribute == "recorded_at":
            # In the record's team's zone, with its offset: teams may live in different zones.
            zone = ZoneInfo(row.timezone)
            return value.astimezone(zone).isoformat(sep=" ", timespec="minutes")
        return str(value)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate(COLUMNS[section][0], self._lang)
        return None
