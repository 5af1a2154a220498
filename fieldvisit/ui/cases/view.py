"""The Cases screen: search and filters, the lazily loaded case table, and the detail pane."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Permission, allows
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.masking import sees_full_personal_data
from fieldvisit.i18n import translate
from fieldvisit.services.cases.detail import CaseDetail
from fieldvisit.services.cases.queries import CaseQuery, CaseRow, FilterOptions, SortKey
from fieldvisit.services.planning.eligibility_model import CaseEligibility
from fieldvisit.ui.cases.detail_view import CaseDetailPane
from fieldvisit.ui.cases.filters import CaseFilterBar
from fieldvisit.ui.cases.model import PAGE_SIZE, CaseTableModel
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.tasks import Progress, Task

PURPOSES = ("visit_preparation", "complaint_handling", "compliance_review")
FIT_CANDIDATES = 5  # texts per column measured when fitting the columns


def _width_estimate(text: str) -> int:
    """A rough width, only to rank texts: a CJK character (drawn wider) counts three bytes."""
    return len(text.encode("utf-8"))


def _case_table(model: CaseTableModel, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
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
    # Rows as high as the text needs (the style's default is roomier than a 100k list wants).
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


class CasesScreen(QWidget):
    """Composes the parts; every database call goes through the context's task runner.

    Opening must never freeze the window: the constructor builds the table and starts the
    queries; the filter bar and the detail pane follow in short steps on later turns of the event
    loop. Reading ``filters`` or ``detail`` before their turn builds them at once.
    """

    results_shown = Signal(int)  # number of matching cases, once their ids are known
    detail_shown = Signal(int)  # case id

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self._lang = context.lang
        self._sort, self._descending = SortKey.CASE_NUMBER, False
        self._total: int | None = None
        self._options: FilterOptions | None = None
        self._selected_id: int | None = None
        self._query_tasks: list[Task] = []
        self._detail_task: Task | None = None
        self._filters: CaseFilterBar | None = None
        self._detail: CaseDetailPane | None = None
        # Replaced in tests; a login-era version may read the purpose from a policy list.
        self.ask_purpose: Callable[[], str | None] = self._ask_purpose_dialog
        cases, actor = context.services.cases, context.actor
        self.model = CaseTableModel(lambda ids: cases.rows(actor, ids), context.tasks, self._lang)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.model.sort_requested.connect(self._on_model_sort_requested)
        self.table = _case_table(self.model, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.count_label = QLabel(self)
        self._column = QVBoxLayout(self)
        self._build()
        # Polished and laid out before the worker starts: a busy worker makes every call from
        # Qt into Python (the model's methods) wait for the interpreter lock.
        self.ensurePolished()
        self._column.activate()
        self.refresh()
        self._steps: deque[Callable[[], object]] = deque((self._build_filters, self._start_detail))
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.timeout.connect(self._on_step_timer_timeout)
        self._step_timer.start(0)

    # --- building in steps ------------------------------------------------------------------
    @property
    def filters(self) -> CaseFilterBar:
        """The search field and filters (built now when their turn has not come yet)."""
        return self._filters if self._filters is not None else self._build_filters()

    @property
    def detail(self) -> CaseDetailPane:
        """The detail pane, complete (built now when its turns have not come yet)."""
        return self._place_detail()

    def _on_step_timer_timeout(self) -> None:
        if self._steps:
            self._steps.popleft()()
        if self._steps:
            self._step_timer.start(0)  # one step per turn: the window repaints in between

    def _build(self) -> None:
        splitter = self.splitter
        splitter.addWidget(self.table)
        splitter.addWidget(QWidget(splitter))  # the detail pane's place, and its saved width
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._column.addWidget(splitter, 1)
        self._column.addWidget(self.count_label)
        settings = self._ctx.settings
        if not splitter.restoreState(settings.layout("cases/splitter")):
            splitter.setSizes([710, 540])
        header = self.table.horizontalHeader()
        self._columns_sized = header.restoreState(settings.layout("cases/header"))
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._update_count()

    def _build_filters(self) -> CaseFilterBar:
        if self._filters is not None:
            return self._filters
        cases = self._ctx.services.cases
        self._filters = filters = CaseFilterBar(self._lang, cases.supports_eligibility, self)
        if self._options is not None:
            filters.set_options(self._options)
        filters.changed.connect(self._on_filters_changed)
        self._column.insertWidget(0, filters)
        return filters

    def _start_detail(self) -> CaseDetailPane:
        """Start the pane; its pages are built on the following turns, then it is placed."""
        if self._detail is not None:
            return self._detail
        can_reveal = sees_full_personal_data(self._ctx.actor)
        # No parent yet: a hidden top-level widget is neither polished nor laid out until placed.
        actor = self._ctx.actor
        can_declare = allows(actor, Permission.IMPORT_DATA) or allows(
            actor, Permission.RECORD_VISIT
        )
        self._detail = detail = CaseDetailPane(
            self._lang, can_reveal, stepwise=True, can_declare=can_declare
        )
        detail.reveal_requested.connect(self._on_detail_reveal_requested)
        detail.declare_requested.connect(self._on_detail_declare_requested)
        self._steps.extend([detail.build_step] * detail.steps_left())
        self._steps.append(self._place_detail)
        return detail

    def _place_detail(self) -> CaseDetailPane:
        """Finish the pane (nothing left to do when its steps ran) and show it in the splitter."""
        detail = self._start_detail()
        detail.finish()
        if detail.parent() is None:
            placeholder = self.splitter.replaceWidget(1, detail)
            if placeholder is not None:
                placeholder.deleteLater()
        return detail

    # --- screen hooks (see fieldvisit.ui.screens) -------------------------------------------
    def retranslate(self, lang: str) -> None:
        self._lang = lang
        if self._filters is not None:  # parts still to be built get the language then
            self._filters.retranslate(lang)
        self.model.set_language(lang)
        if self._detail is not None:
            self._detail.retranslate(lang)
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
        if self._filters is None:  # not built yet, so nothing is filtered
            return CaseQuery(sort=self._sort, descending=self._descending)
        return self._filters.query(self._sort, self._descending)

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
        self._options = options
        if self._filters is not None:
            self._filters.set_options(options)
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
            if self._detail is not None:  # a pane built later starts empty anyway
                self._detail.show_detail(None)
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
        chosen = self._filters.eligibility_day() if self._filters is not None else None
        day = chosen or self._ctx.services.clock().date()

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
        """Columns as wide as the rows on screen and the titles need.

        Measured here from the loaded texts, as Qt measures an item (text, margins, grid line):
        ``resizeColumnsToContents`` would ask the model for every role of every visible cell.
        """
        table, model = self.table, self.model
        header = table.horizontalHeader()
        titles, cells = header.fontMetrics(), QFontMetricsF(table.font())
        margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 1
        on_screen = table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize())
        rows = range(min(model.rowCount(), on_screen + 1, PAGE_SIZE))
        for column in range(model.columnCount()):
            texts = {model.text(r, column) for r in rows}
            # Few calls into Qt, each may wait for the busy worker: only the likely widest.
            likely = sorted(texts, key=_width_estimate)[-FIT_CANDIDATES:]
            widest = max((cells.horizontalAdvance(t) for t in likely), default=0)
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            # Room for the title and the sort arrow, whatever the rows loaded so far hold.
            wanted = titles.horizontalAdvance(title) + 2 * titles.height()
            header.resizeSection(column, max(math.ceil(widest) + margin, wanted))

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

    def _on_detail_declare_requested(self, case_id: int) -> None:
        from fieldvisit.ui.cases.declaration_dialog import DeclarationDialog

        services = self._ctx.services
        dialog = DeclarationDialog(services.declarations, self._ctx.actor, case_id, self._lang,
                                   services.clock().date(), self)  # fmt: skip
        if dialog.exec() == DeclarationDialog.DialogCode.Accepted:
            self._show_case(case_id)  # the new declaration shows in the availability tab
