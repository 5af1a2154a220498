"""The Assign screen: a manager moves cases to a crew by list, by filter or by map area."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.cases.queries import CaseQuery, FilterOptions, SortKey
from fieldvisit.services.planning.assignment import AssignmentResult, MapCase, Targets
from fieldvisit.ui.assign.layout import AssignLayout
from fieldvisit.ui.cases.model import CaseTableModel
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.tasks import Progress, Task


class AssignScreen(AssignLayout):
    """Every service call runs on the context's task runner; results come back as signals."""

    loaded = Signal(int)  # cases listed after a query
    selection_changed = Signal(int)  # cases selected
    assigned = Signal(object)  # AssignmentResult of an assignment
    undone = Signal(object)  # AssignmentResult of an undo
    failed = Signal(str)  # the message shown for a refusal

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        cases, actor = context.services.cases, context.actor
        model = CaseTableModel(lambda ids: cases.rows(actor, ids), context.tasks, context.lang)
        super().__init__(context.lang, model, cases.supports_eligibility, parent)
        self._ctx = context
        self._service = context.services.assignment
        self._targets = Targets((), ())
        self._history: list[AssignmentResult] = []
        self._busy = False
        self._query_task: Task | None = None
        self._points: list[MapCase] = []
        self._columns_sized = False
        # Replaced in tests: asks before a bulk assignment of every matching case.
        self.confirm: Callable[[int], bool] = self._confirm_dialog
        self._connect()
        self.retranslate(self.lang)
        self._load_choices()
        self.run_query()

    def _connect(self) -> None:
        self.team.currentIndexChanged.connect(self._on_team_current_index_changed)
        self.filters.changed.connect(self.run_query)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.map.area_drawn.connect(self._on_map_area_drawn)
        self.map.area_cleared.connect(self._on_map_area_cleared)
        self.commands["assign"].triggered.connect(self._on_assign_triggered)
        self.commands["assign_all"].triggered.connect(self._on_assign_all_triggered)
        self.commands["unassign"].triggered.connect(self._on_unassign_triggered)
        self.commands["undo"].triggered.connect(self._on_undo_triggered)
        self.commands["clear"].triggered.connect(self._on_clear_triggered)

    # --- screen hooks (see fieldvisit.ui.screens) ---------------------------------------------
    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self._fill_crews()
        self._show_counts()

    def refresh(self) -> None:
        self._load_choices()
        self.run_query(keep=self.selected_ids())

    def focus_search(self) -> None:
        self.filters.focus_search()

    # --- loading ------------------------------------------------------------------------------
    def _load_choices(self) -> None:
        service, cases, actor = self._service, self._ctx.services.cases, self._ctx.actor

        def work(_progress: Progress) -> tuple[Targets, FilterOptions]:
            return service.targets(actor), cases.filter_options(actor)

        self._ctx.tasks.submit(work, self._on_choices_loaded, self._on_failed)

    def _on_choices_loaded(self, loaded: tuple[Targets, FilterOptions]) -> None:
        self._targets, options = loaded
        self.filters.set_options(options)
        chosen = self.team.currentData()
        self.team.blockSignals(True)
        self.team.clear()
        for team in self._targets.teams:
            self.team.addItem(team.name, team.id)
        self.team.setCurrentIndex(max(self.team.findData(chosen), 0))
        self.team.blockSignals(False)
        self._fill_crews()
        self._show_map_legend()

    def _fill_crews(self) -> None:
        chosen, team_id = self.crew.currentData(), self.team.currentData()
        self.crew.blockSignals(True)
        self.crew.clear()
        for crew in self._targets.crews:
            if crew.parent_id == team_id:
                self.crew.addItem(crew.name, crew.id)
        self.crew.setCurrentIndex(max(self.crew.findData(chosen), 0))
        self.crew.blockSignals(False)

    def current_query(self) -> CaseQuery:
        return self.filters.query(SortKey.CASE_NUMBER, False)

    def run_query(self, keep: Sequence[int] = ()) -> None:
        """The matching ids and the map's points, in one background step."""
        try:
            query = self.current_query()
        except FieldVisitError as exc:
            self._show_error(exc)
            return
        if self._query_task is not None:
            self._query_task.cancel()  # a newer filter makes the older answer useless
        cases, service, actor = self._ctx.services.cases, self._service, self._ctx.actor

        def work(_progress: Progress) -> tuple[list[int], list[MapCase]]:
            return cases.ids(actor, query), service.map_points(actor, query)

        def done(found: tuple[list[int], list[MapCase]]) -> None:
            self._query_task = None
            self._on_query_loaded(*found, keep=keep)

        self._query_task = self._ctx.tasks.submit(work, done, self._on_failed)

    def _on_query_loaded(self, ids: list[int], points: list[MapCase], keep: Sequence[int]) -> None:
        self.model.set_ids(ids)
        self._points = points
        self._show_map_legend()
        self.select_ids(keep)
        self._show_counts()
        self.loaded.emit(len(ids))

    def _on_model_page_loaded(self, _row: int) -> None:
        if self._columns_sized:
            return
        # Once, on the first real rows: room for each title and its sort arrow.
        self._columns_sized = True
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            wanted = metrics.horizontalAdvance(title) + 2 * metrics.height()
            header.resizeSection(column, max(header.sectionSize(column), wanted))

    def _show_map_legend(self) -> None:
        crews = [(c.id, c.name) for c in self._targets.crews]
        self.map.set_points(self._points, crews)
        self.map.set_selected(set(self.selected_ids()))

    # --- selection ----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [case_id for row in rows if (case_id := self.model.case_id(row)) is not None]

    def select_ids(self, case_ids: Sequence[int]) -> None:
        """Select exactly these cases in the list (those not listed are ignored)."""
        rows = {case_id: row for row, case_id in enumerate(self.model.ids())}
        wanted = sorted(rows[i] for i in set(case_ids) if i in rows)
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        # Runs of neighbouring rows as one range each: "select all 5,000" stays one range.
        for start, end in _runs(wanted):
            selection.select(self.model.index(start, 0), self.model.index(end, last_column))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)

    def _on_table_selection_changed(self, *_args: object) -> None:
        chosen = self.selected_ids()
        self.map.set_selected(set(chosen))
        self._show_counts()
        self.selection_changed.emit(len(chosen))

    def _on_map_area_drawn(self, area: list[tuple[float, float]]) -> None:
        service, actor = self._service, self._ctx.actor
        try:
            query = self.current_query()
        except FieldVisitError as exc:
            self._show_error(exc)
            return

        def found(case_ids: list[int]) -> None:
            self.select_ids(case_ids)
            self.show_message(translate("assign.area_selected", self.lang, count=len(case_ids)))

        self._ctx.tasks.submit(
            lambda _p: service.cases_in_area(actor, area, query), found, self._on_failed
        )

    def _on_map_area_cleared(self) -> None:
        self.table.clearSelection()

    def _on_clear_triggered(self) -> None:
        self.map.clear_area()
        self.table.clearSelection()

    def _show_counts(self) -> None:
        t = self._t
        self.count.setText(t("assign.count", count=self.model.rowCount()))
        self.selection.setText(t("assign.selected", count=len(self.selected_ids())))

    # --- assigning ----------------------------------------------------------------------------
    def _on_team_current_index_changed(self, _index: int) -> None:
        self._fill_crews()

    def _on_assign_triggered(self) -> None:
        self.assign_cases(self.selected_ids(), self.crew.currentData())

    def _on_unassign_triggered(self) -> None:
        self.assign_cases(self.selected_ids(), None)

    def _on_assign_all_triggered(self) -> None:
        if not self.confirm(self.model.rowCount()):
            return
        try:
            query = self.current_query()
        except FieldVisitError as exc:
            self._show_error(exc)
            return
        service, actor = self._service, self._ctx.actor
        self._start(lambda: service.matching(actor, query), self.crew.currentData())

    def assign_cases(self, case_ids: Sequence[int], crew_id: int | None) -> None:
        """Send ``case_ids`` to ``crew_id`` of the chosen team (None: take them off any crew)."""
        ids = list(case_ids)
        self._start(lambda: ids, crew_id)

    def _start(self, pick: Callable[[], list[int]], crew_id: int | None) -> None:
        if self._busy:
            return
        service, actor = self._service, self._ctx.actor
        team_id, reason = self.team.currentData(), self.reason.text()

        def work(progress: Progress) -> AssignmentResult:
            return service.assign(actor, pick(), team_id, crew_id, reason, progress.report)

        self._run(work, self._on_assigned)

    def _on_assigned(self, result: AssignmentResult) -> None:
        if result.moved:
            self._history.append(result)
        self.show_message(
            self._t("assign.done", changed=result.changed, unchanged=result.unchanged)
        )
        self.assigned.emit(result)
        self.run_query(keep=[moved.case_id for moved in result.moved] or self.selected_ids())

    def _on_undo_triggered(self) -> None:
        if self._busy or not self._history:
            return
        last = self._history[-1]
        reason = self.reason.text().strip() or self._t("assign.undo_reason", reason=last.reason)
        service, actor = self._service, self._ctx.actor

        def work(progress: Progress) -> AssignmentResult:
            return service.undo(actor, last, reason, progress.report)

        self._run(work, self._on_undone)

    def _on_undone(self, result: AssignmentResult) -> None:
        self._history.pop()
        self.show_message(self._t("assign.undone", changed=result.changed))
        self.undone.emit(result)
        self.run_query(keep=[moved.case_id for moved in result.moved])

    def _run(
        self, work: Callable[[Progress], AssignmentResult], done: Callable[[Any], None]
    ) -> None:
        self._busy = True
        self.set_busy(True)
        self._enable_undo()

        def finished(result: AssignmentResult) -> None:
            self._busy = False
            done(result)  # first: it updates the undo history the buttons depend on
            self._idle()

        def failed(error: BaseException) -> None:
            self._idle()
            self._on_failed(error)

        self._ctx.tasks.submit(work, finished, failed, self._on_progress)

    def _idle(self) -> None:
        self._busy = False
        self.set_busy(False)
        self._enable_undo()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _enable_undo(self) -> None:
        self.commands["undo"].setEnabled(bool(self._history) and not self._busy)

    # --- messages -----------------------------------------------------------------------------
    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self._show_error(error)
        else:
            self._ctx.errors.report(error)

    def _show_error(self, error: FieldVisitError) -> None:
        text = render(error.message, self.lang)
        self.show_message(text, error=True)
        self.failed.emit(text)

    def _confirm_dialog(self, count: int) -> bool:
        answer = QMessageBox.question(
            self, self._t("ui.screen.assign"), self._t("assign.confirm_all", count=count)
        )
        return answer == QMessageBox.StandardButton.Yes


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
