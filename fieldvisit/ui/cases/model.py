"""The case table model: a result's ids, their rows loaded a page at a time off the UI thread."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from fieldvisit.i18n import translate
from fieldvisit.services.cases.queries import CaseRow, SortKey
from fieldvisit.ui.tasks import Progress, TaskRunner

PAGE_SIZE = 100
MAX_CACHED_PAGES = 60  # 6,000 rows: many screens of scrolling, bounded memory at 100k cases
ModelIndex = QModelIndex | QPersistentModelIndex
RowLoader = Callable[[Sequence[int]], list[CaseRow]]
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    key: SortKey
    title_id: str
    text: Callable[[CaseRow, str], str]
    alignment: Qt.AlignmentFlag = _LEFT


def _plain(attribute: str) -> Callable[[CaseRow, str], str]:
    def text(row: CaseRow, _lang: str) -> str:
        value = getattr(row, attribute)
        return "" if value is None else str(value)

    return text


COLUMNS: tuple[Column, ...] = (
    Column(SortKey.CASE_NUMBER, "case.col.case_number", _plain("case_number")),
    Column(SortKey.DEBTOR, "case.col.debtor", _plain("debtor_name")),
    Column(
        SortKey.STATE, "case.col.state", lambda r, lang: translate(f"case_state.{r.state}", lang)
    ),
    Column(SortKey.DAYS_PAST_DUE, "case.col.dpd", _plain("days_past_due"), _RIGHT),
    Column(SortKey.AMOUNT, "case.col.amount", lambda r, _l: f"{r.amount_overdue:,.2f}", _RIGHT),
    Column(SortKey.DISTRICT, "case.col.district", _plain("district")),
    Column(SortKey.TEAM, "case.col.team", _plain("team")),
    Column(SortKey.CREW, "case.col.crew", _plain("crew")),
)


class CaseTableModel(QAbstractTableModel):
    """Knows every matching id at once (a plain list); row data arrives page by page.

    Sorting asks the service (``sort_requested``): at 100k rows a proxy model would have to load
    every row first.
    """

    sort_requested = Signal(object, bool)  # SortKey, descending
    page_loaded = Signal(int)  # first row of the page

    def __init__(self, load_rows: RowLoader, tasks: TaskRunner, lang: str) -> None:
        super().__init__()
        self._load_rows = load_rows
        self._tasks = tasks
        self._lang = lang
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[CaseRow | None]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # --- Qt model interface -------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == CASE_ID_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[index.column()].alignment
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None  # the tooltip shows a cut-off text in full
        return self.text(index.row(), index.column())

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return translate(COLUMNS[section].title_id, self._lang)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._ids):
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            descending = order == Qt.SortOrder.DescendingOrder
            self.sort_requested.emit(COLUMNS[column].key, descending)

    # --- our interface ------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int], first_page: Sequence[CaseRow] | None = None) -> None:
        """Show a new result; cached rows and pages still loading for the old one are dropped.

        ``first_page`` (rows fetched together with the ids) saves a round trip to the worker.
        """
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._pages.clear()
        self._pending.clear()
        if first_page is not None:
            by_id = {row.id: row for row in first_page}
            self._pages[0] = [by_id.get(i) for i in self._ids[:PAGE_SIZE]]
        self.endResetModel()
        if first_page is not None:
            self.page_loaded.emit(0)
        elif self._ids:
            self._request_page(0)

    def extend_ids(self, ids: Sequence[int]) -> None:
        """The complete result after a first screenful: rows are appended when it starts with
        the ids shown, so the view keeps its selection and position; otherwise it is reset."""
        current = len(self._ids)
        if len(ids) < current or list(ids[:current]) != self._ids:
            self.set_ids(ids)
            return
        if len(ids) > current:
            self.beginInsertRows(QModelIndex(), current, len(ids) - 1)
            self._ids.extend(ids[current:])
            self.endInsertRows()

    def ids(self) -> list[int]:
        return list(self._ids)

    def case_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: int) -> int | None:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return None

    def row_data(self, row: int) -> CaseRow | None:
        """The row if its page is loaded; otherwise None, and the page is requested."""
        start = row - row % PAGE_SIZE
        page = self._pages.get(start)
        if page is None:
            self._request_page(start)
            return None
        self._pages.move_to_end(start)
        offset = row - start
        return page[offset] if offset < len(page) else None

    def text(self, row: int, column: int) -> str:
        """The cell's text; "…" while its page is loading (and the page is requested)."""
        data = self.row_data(row)
        return "…" if data is None else COLUMNS[column].text(data, self._lang)

    def is_loaded(self, row: int) -> bool:
        return (row - row % PAGE_SIZE) in self._pages

    def set_language(self, lang: str) -> None:
        self._lang = lang
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._ids:
            last = self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.DisplayRole])

    def _request_page(self, start: int) -> None:
        if start in self._pending:
            return
        self._pending.add(start)
        generation = self._generation
        ids = self._ids[start : start + PAGE_SIZE]

        def work(_progress: Progress) -> list[CaseRow]:
            return self._load_rows(ids)

        def done(rows: list[CaseRow]) -> None:
            self._on_page_loaded(generation, start, ids, rows)

        self._tasks.submit(work, done, urgent=True)  # visible rows first

    def _on_page_loaded(
        self, generation: int, start: int, ids: list[int], rows: list[CaseRow]
    ) -> None:
        if generation != self._generation:
            return  # an answer for a result that is no longer shown
        self._pending.discard(start)
        by_id = {row.id: row for row in rows}
        # A case that left the actor's scope meanwhile keeps its line, drawn as not loaded.
        self._pages[start] = [by_id.get(i) for i in ids]
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        last_row = min(start + PAGE_SIZE, len(self._ids)) - 1
        self.dataChanged.emit(
            self.index(start, 0),
            self.index(last_row, len(COLUMNS) - 1),
            [Qt.ItemDataRole.DisplayRole],
        )
        self.page_loaded.emit(start)
