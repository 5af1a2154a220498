"""The Cases screen: search and filters, the lazily loaded case table, and the detail pane."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.masking import sees_full_personal_data
from fieldvisit.i18n import translate
from fieldvisit.services.case_detail import CaseDetail
from fieldvisit.services.cases import CaseQuery, CaseRow, FilterOptions, SortKey
from fieldvisit.services.eligibility_model import CaseEligibility
from fieldvisit.ui.case_detail_view import CaseDetailPane
from fieldvisit.ui.cases_filters import CaseFilterBar
from fieldvisit.ui.cases_model import PAGE_SIZE, CaseTableModel
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.tasks import Progress, Task

PURPOSES = ("visit_preparation", "complaint_handling", "compliance_review")


class CasesScreen(QWidget):
    """Composes the parts; every database call goes through the context's task runner."""

    results_shown = Signal(int)  # number of matching cases, once their ids are known
    detail_shown = Signal(int)  # case id

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self._lang = context.lang
        self._sort, self._descending = SortKey.CASE_NUMBER, False
        self._total: int | None = None
        self._selected_id: int | None = None
        self._query_tasks: list[Task] = []
        self._detail_task: Task | None = None
        # Replaced in tests; a login-era version may read the purpose from a policy list.
        self.ask_purpose: Callable[[], str | None] = self._ask_purpose_dialog
        cases, actor = context.services.cases, context.actor
        self.filters = CaseFilterBar(self._lang, cases.supports_eligibility, self)
        self.model = CaseTableModel(lambda ids: cases.rows(actor, ids), context.tasks, self._lang)
        self.table = QTableView(self)
        self.detail = CaseDetailPane(self._lang, sees_full_personal_data(actor), self)
        self.count_label = QLabel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._build()
        self._connect()
        self.retranslate(self._lang)
        self.refresh()

    def _build(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        # Fixed row heights: the view never measures 100k rows.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        # Fit columns to the rows on screen only: Qt's default reads 1,000 rows (10 pages).
        table.horizontalHeader().setResizeContentsPrecision(0)
        table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        self.splitter.addWidget(table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.count_label)
        # Rows as high as the text needs (the style's default is roomier than a 100k list wants).
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        settings = self._ctx.settings
        if not self.splitter.restoreState(settings.layout("cases/splitter")):
            self.splitter.setSizes([710, 540])
        self._columns_sized = table.horizontalHeader().restoreState(settings.layout("cases/header"))

    def _connect(self) -> None:
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.filters.changed.connect(self._on_filters_changed)
        self.model.sort_requested.connect(self._on_model_sort_requested)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.detail.reveal_requested.connect(self._on_detail_reveal_requested)

    # --- screen hooks (see fieldvisit.ui.screens) -------------------------------------------
    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.filters.retranslate(lang)
        self.model.set_language(lang)
        self.detail.retranslate(lang)
        self._update_count()

    def refresh(self) -> None:
        """Reload the filter choices and the result, keeping the filters and the selection."""
        cases, actor = self._ctx.services.cases, self._ctx.actor

        def work(_progress: Progress) -> tuple[FilterOptions, int]:
            return cases.filter_options(actor), cases.count(actor)

        self.run_query()  # first: the worker runs tasks in order and the rows matter most
        self._ctx.tasks.submit(work, self._on_options_loaded)

    def focus_search(self) -> None:
        self.filters.focus_search()

    def save_state(self) -> None:
        self._ctx.settings.set_layout("cases/splitter", self.splitter.saveState())
        self._ctx.settings.set_layout("cases/header", self.table.horizontalHeader().saveState())

    # --- queries ----------------------------------------------------------------------------
    def current_query(self) -> CaseQuery:
        return self.filters.query(self._sort, self._descending)

    def run_query(self) -> None:
        """Two steps on the worker: the first page (ids and rows), then every id of the result."""
        try:
            query = self.current_query()
        except FieldVisitError as exc:
            self._ctx.errors.report(exc)
            return
        for task in self._query_tasks:
            task.cancel()  # a newer query makes the older answers useless
        cases, actor = self._ctx.services.cases, self._ctx.actor

        def first(_progress: Progress) -> tuple[list[int], list[CaseRow]]:
            ids = cases.ids(actor, query, limit=PAGE_SIZE)
            return ids, cases.rows(actor, ids)

        def complete(_progress: Progress) -> list[int]:
            return cases.ids(actor, query)

        submit = self._ctx.tasks.submit
        self._query_tasks = []
        if query.eligible_on is None:
            self._query_tasks.append(submit(first, self._on_first_ids_loaded))
        self._query_tasks.append(submit(complete, self._on_ids_loaded))

    def _on_first_ids_loaded(self, first: tuple[list[int], list[CaseRow]]) -> None:
        self.model.set_ids(*first)
        self._reselect(final=False)

    def _on_ids_loaded(self, ids: list[int]) -> None:
        self._query_tasks = []
        self.model.extend_ids(ids)
        self._reselect(final=True)
        self._update_count()
        self.results_shown.emit(len(ids))

    def _reselect(self, *, final: bool) -> None:
        """Keep the selected case selected when it is still in the result."""
        keep = self._selected_id
        row = self.model.row_of(keep) if keep is not None else None
        if row is None:
            if final and keep is not None:
                self._show_case(None)  # it left the result
            return
        if self.table.selectionModel().isRowSelected(row):
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _on_options_loaded(self, loaded: tuple[FilterOptions, int]) -> None:
        options, total = loaded
        self.filters.set_options(options)
        self._total = total
        self._update_count()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        if self._total is None:
            self.count_label.setText(translate("ui.cases.loading", self._lang))
        else:
            self.count_label.setText(
                translate("ui.cases.count", self._lang, shown=shown, total=self._total)
            )

    # --- detail -----------------------------------------------------------------------------
    def _show_case(self, case_id: int | None, *, full_purpose: str | None = None) -> None:
        self._selected_id = case_id
        if self._detail_task is not None:
            self._detail_task.cancel()
            self._detail_task = None
        if case_id is None:
            self.detail.show_detail(None)
            return
        details, actor = self._ctx.services.case_details, self._ctx.actor

        def work(_progress: Progress) -> CaseDetail:
            if full_purpose is not None:
                return details.full_detail(actor, case_id, full_purpose)
            return details.detail(actor, case_id)

        self._detail_task = self._ctx.tasks.submit(work, self._on_detail_loaded)

    def _on_detail_loaded(self, detail: CaseDetail) -> None:
        self._detail_task = None
        self.detail.show_detail(detail)
        self.detail_shown.emit(detail.case_id)
        self._load_eligibility(detail.case_id)

    def _load_eligibility(self, case_id: int) -> None:
        """The verdict for the date chosen in the filters (else today), shown in the rules tab."""
        eligibility, actor = self._ctx.services.eligibility, self._ctx.actor
        day = self.filters.eligibility_day() or self._ctx.services.clock().date()

        def shown(result: CaseEligibility) -> None:
            if self._selected_id == case_id:
                self.detail.eligibility.show_result(result, day)

        self._ctx.tasks.submit(lambda _p: eligibility.for_case(actor, case_id, day), shown)

    def _ask_purpose_dialog(self) -> str | None:
        items = [translate(f"ui.purpose.{p}", self._lang) for p in PURPOSES]
        text, ok = QInputDialog.getItem(
            self,
            translate("ui.detail.reveal", self._lang),
            translate("ui.detail.purpose", self._lang),
            items,
            0,
            True,
        )
        return text.strip() if ok and text.strip() else None

    # --- handlers ---------------------------------------------------------------------------
    def _on_model_page_loaded(self, _row: int) -> None:
        if not self._columns_sized:  # first start: fit the columns to real data once
            self._columns_sized = True
            self._fit_columns()

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            # Room for the title and the sort arrow, whatever the rows loaded so far hold.
            wanted = metrics.horizontalAdvance(title) + 2 * metrics.height()
            header.resizeSection(column, max(header.sectionSize(column), wanted))

    def _on_filters_changed(self) -> None:
        self.run_query()

    def _on_model_sort_requested(self, key: SortKey, descending: bool) -> None:
        if (key, descending) == (self._sort, self._descending):
            return  # QTableView.sortByColumn asks twice
        self._sort, self._descending = key, descending
        self.run_query()

    def _on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = {index.row() for index in selected.indexes()}
        case_id = self.model.case_id(min(rows)) if rows else None
        if case_id != self._selected_id or case_id is None:
            self._show_case(case_id)

    def _on_detail_reveal_requested(self, case_id: int) -> None:
        purpose = self.ask_purpose()
        if purpose:
            self._show_case(case_id, full_purpose=purpose)
