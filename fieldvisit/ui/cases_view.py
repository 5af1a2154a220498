"""The Cases screen: a lazily filled table of cases."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QVBoxLayout, QWidget

from fieldvisit.i18n import translate
from fieldvisit.services.cases import CaseQueries, CaseRow

PAGE_SIZE = 200
ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS: tuple[tuple[str, str], ...] = (
    ("case.col.case_number", "case_number"),
    ("case.col.debtor", "debtor_name"),
    ("case.col.state", "state"),
    ("case.col.dpd", "days_past_due"),
    ("case.col.amount", "amount_overdue"),
    ("case.col.district", "district"),
    ("case.col.team", "team"),
    ("case.col.crew", "crew"),
)


class CaseTableModel(QAbstractTableModel):
    """Rows are fetched a page at a time as the view scrolls (``canFetchMore``/``fetchMore``)."""

    def __init__(self, cases: CaseQueries, lang: str) -> None:
        super().__init__()
        self._cases = cases
        self._lang = lang
        self._total = cases.count()
        self._rows: list[CaseRow] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def total(self) -> int:
        return self._total

    def canFetchMore(self, parent: ModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex) -> None:  # noqa: N802
        if parent.isValid():
            return
        page = self._cases.page(len(self._rows), PAGE_SIZE)
        if not page:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        attribute = COLUMNS[index.column()][1]
        value = getattr(row, attribute)
        if attribute == "state":
            return translate(f"case_state.{value}", self._lang)
        if attribute == "amount_overdue":
            return f"{value:,.2f}"
        return "" if value is None else str(value)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate(COLUMNS[section][0], self._lang)
        return None


class CasesView(QWidget):
    def __init__(self, cases: CaseQueries, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CaseTableModel(cases, lang)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def row_count(self) -> int:
        return self.model.total()
