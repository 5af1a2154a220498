"""The Records table shows each record's time in its own team's zone, with the offset."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from fieldvisit.services.records.visit_records import RecordRow
from fieldvisit.ui.records.records_model import COLUMNS, RecordTableModel

AT = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)


def _row(record_id: int, zone: str) -> RecordRow:
    return RecordRow(record_id, 1, "C1", "Z**", AT, "T", "A", "paid", "CODE", zone)


def test_times_show_in_the_records_team_zone_with_its_offset() -> None:
    model = RecordTableModel("en")
    model.set_rows([_row(1, "America/New_York"), _row(2, "Asia/Shanghai")])
    column = [key for key, _attr in COLUMNS].index("records.col.recorded_at")
    shown = [model.index(r, column).data(Qt.ItemDataRole.DisplayRole) for r in range(2)]
    assert shown == ["2026-12-01 22:30-05:00", "2026-12-02 11:30+08:00"]
