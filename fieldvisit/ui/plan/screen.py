"""The Plan screen: pick crew and date, optimise in the background, edit by hand, save, submit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QWidget

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.map_projection import MapStop
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.i18n import render, translate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.catalog import PlanServices, Solver
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.services.planning.model import RoundPlan
from fieldvisit.services.planning.rounds import SavedRound
from fieldvisit.ui.plan.commands import RouteEdit, RouteState
from fieldvisit.ui.plan.layout import PlanLayout
from fieldvisit.ui.plan.models import problem_rows, round_summary
from fieldvisit.ui.plan.workflow import DayLoaded, Submitted, Workflow
from fieldvisit.ui.tasks import Task, TaskRunner


class PlanScreen(PlanLayout):
    """Standalone: give it the planning services, the signed-in actor, language and TaskRunner."""

    plan_changed = Signal(object)  # the RoundPlan now shown (None: empty route)
    optimise_ended = Signal(bool)  # True with a new result, False when cancelled or failed
    round_saved = Signal(object)  # SavedRound
    round_submitted = Signal(object)  # SavedRound
    sheet_printed = Signal(object)  # Path

    def __init__(
        self,
        services: PlanServices,
        actor: Actor,
        lang: str,
        tasks: TaskRunner,
        *,
        report_error: Callable[[BaseException], None] | None = None,
        budget: Budget | None = None,
        template: DayTemplate | None = None,
        day: date | None = None,
        solve: Solver | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(lang, sheets=services.sheets is not None, parent=parent)
        self._flow = Workflow(services, actor, template or DayTemplate())
        self._tasks, self._report = tasks, report_error
        self._budget = budget or Budget(seconds=5.0)
        self._solve = solve
        self.undo_stack = QUndoStack(self)
        self.state = RouteState()
        self.plan: RoundPlan | None = None
        self._generation = 0
        self._version: int | None = None
        self._round_id: int | None = None
        self._dirty = False
        self._optimising: Task | None = None
        self._base: tuple[float, float] | None = None
        self._bases: dict[int, tuple[float, float] | None] = {}
        self._follow: int | None = None
        self._got_result = False
        self.build_actions(self.undo_stack)
        if day is not None:
            self.date.setDate(QDate(day.year, day.month, day.day))
        self._connect()
        self._tasks.submit(self._flow.crews(), self._on_crews_loaded, self._on_task_failed)

    def _connect(self) -> None:
        self.crew.currentIndexChanged.connect(self._on_crew_changed)
        self.date.dateChanged.connect(self._on_crew_changed)
        self.route_model.move_requested.connect(self._on_route_model_move_requested)
        self.candidates_view.doubleClicked.connect(self._on_add_triggered)
        self.commands["load"].triggered.connect(self._on_crew_changed)
        self.commands["optimise"].triggered.connect(self._on_optimise_triggered)
        self.commands["cancel"].triggered.connect(self._on_cancel_triggered)
        self.commands["add"].triggered.connect(self._on_add_triggered)
        self.commands["drop"].triggered.connect(self._on_drop_triggered)
        self.commands["pin"].triggered.connect(self._on_pin_triggered)
        self.commands["up"].triggered.connect(lambda: self._on_step_triggered(-1))
        self.commands["down"].triggered.connect(lambda: self._on_step_triggered(2))
        self.commands["save"].triggered.connect(self._on_save_triggered)
        self.commands["submit"].triggered.connect(self._on_submit_triggered)
        self.commands["print"].triggered.connect(self._on_print_triggered)

    # --- public API ------------------------------------------------------------------------------

    @property
    def crew_id(self) -> int | None:
        value = self.crew.currentData()
        return int(value) if value is not None else None

    @property
    def day(self) -> date:
        picked = self.date.date()
        return date(picked.year(), picked.month(), picked.day())

    def select_crew(self, crew_id: int) -> None:
        self.crew.setCurrentIndex(self.crew.findData(crew_id))

    def refresh(self) -> None:
        self._on_crew_changed()

    def edit(self, text_id: str, after: RouteState, case: str = "") -> None:
        """Push one hand edit on the undo stack; it is applied and re-checked at once."""
        if after != self.state:
            text = translate(text_id, self.lang, case=case)
            self.undo_stack.push(RouteEdit(text, self.state, after, self.apply_state))

    def apply_state(self, state: RouteState) -> None:
        """Show ``state`` and re-check it in the fixed order (the undo stack calls this too)."""
        self.state, self._dirty = state, True
        self._generation += 1
        generation, crew_id = self._generation, self.crew_id
        if crew_id is None:
            return
        work = self._flow.evaluate(crew_id, self.day, state)
        self._tasks.submit(
            work, lambda plan: self._on_evaluated(generation, plan), self._on_task_failed
        )

    def print_to(self, path: Path) -> None:
        if self.crew_id is not None:
            work = self._flow.print_sheet(self.crew_id, self.day, self.lang, path)
            self._tasks.submit(work, self._on_printed, self._on_task_failed)

    # --- loading ---------------------------------------------------------------------------------

    def _on_crews_loaded(self, crews: list[Any]) -> None:
        self.crew.blockSignals(True)
        for choice in crews:
            self.crew.addItem(f"{choice.team_name} / {choice.name}", choice.crew_id)
        self.crew.blockSignals(False)
        self._bases = {c.crew_id: c.base for c in crews}
        self._on_crew_changed()

    def _on_crew_changed(self) -> None:
        if self.crew_id is None:
            return
        self._base = self._bases.get(self.crew_id)
        self._generation += 1
        self.undo_stack.clear()
        work = self._flow.load(self.crew_id, self.day)
        self._tasks.submit(work, self._on_day_loaded, self._on_task_failed)

    def _on_day_loaded(self, loaded: DayLoaded) -> None:
        self.candidates_model.set_rows(loaded.candidates.cases)
        saved = loaded.saved
        self._version = saved.version if saved else None
        self._round_id = saved.round_id if saved else None
        state = RouteState()
        if saved is not None:
            pins = frozenset(s.case_id for s in saved.stops if s.pinned)
            state = RouteState(tuple(s.case_id for s in saved.stops), pins)
            self.show_message(translate(f"plan_ui.round_status.{saved.status.value}", self.lang))
        self.apply_state(state)
        self._dirty = False

    def _on_evaluated(self, generation: int, plan: RoundPlan | None) -> None:
        if generation != self._generation:
            return  # a later edit is being checked; this answer is out of date
        self._show_plan(plan)

    def _show_plan(self, plan: RoundPlan | None) -> None:
        self.plan = plan
        stops = plan.stops if plan else ()
        rows, problems = problem_rows(
            stops, plan.problems if plan else (), self.lang, self._flow.template
        )
        self.route_model.set_rows(rows)
        if self._follow in self.state.order:  # keep the moved stop selected for the next step
            self.select_route_row(self.state.order.index(self._follow))
        self.left_out_model.set_rows(plan.left_out if plan else ())
        self._show_problems(problems)
        self.map.set_route(
            [
                MapStop(s.lat, s.lon, s.case_number, s.status is Eligibility.NEEDS_APPROVAL)
                for s in stops
            ],
            self._base,
            [i for i, row in enumerate(rows) if row.problems or not row.stop.check.fits],
        )
        self.summary.setText("" if plan is None else round_summary(plan, self.lang))
        self.plan_changed.emit(plan)

    def _show_problems(self, problems: list[str]) -> None:
        if not self.state.order:
            self.problems.setText("")
        elif problems:
            heading = translate("plan_ui.problems", self.lang)
            self.problems.setText("\n".join([heading, *("• " + p for p in problems)]))
        else:
            self.problems.setText(translate("plan_ui.no_problems", self.lang))
        self.problems.setProperty("bad", bool(problems))
        self.problems.setStyleSheet("color: #b00020;" if problems else "color: #2e7d32;")

    # --- editing ---------------------------------------------------------------------------------

    def _on_add_triggered(self) -> None:
        for case in self.selected_candidates():
            if case.status is not Eligibility.BLOCKED:
                self.edit("plan_ui.cmd.add", self.state.add(case.case_id), case.case_number)

    def _on_drop_triggered(self) -> None:
        row = self.current_route_row()
        if row is not None:
            stop = self.route_model.rows[row].stop
            self.edit("plan_ui.cmd.drop", self.state.drop(stop.case_id), stop.case_number)

    def _on_pin_triggered(self) -> None:
        row = self.current_route_row()
        if row is not None:
            stop = self.route_model.rows[row].stop
            self.edit("plan_ui.cmd.pin", self.state.toggle_pin(stop.case_id), stop.case_number)

    def _on_step_triggered(self, offset: int) -> None:
        row = self.current_route_row()
        if row is not None:
            self._follow = self.route_model.rows[row].stop.case_id
            self._on_route_model_move_requested(row, row + offset)

    def _on_route_model_move_requested(self, source: int, target: int) -> None:
        if 0 <= source < len(self.state.order):
            case = self.route_model.rows[source].stop.case_number
            self.edit("plan_ui.cmd.move", self.state.move(source, target), case)

    # --- optimise, save, submit, print ------------------------------------------------------

    def _on_optimise_triggered(self) -> None:
        if self.crew_id is None or self._optimising is not None:
            return
        work = self._flow.optimise(self.crew_id, self.day, self.state, self._budget,
                                   **({"solve": self._solve} if self._solve else {}))  # fmt: skip
        task = self._tasks.submit(
            work, self._on_optimised, self._on_task_failed, self._on_optimise_progressed
        )
        task.ended.connect(self._on_optimise_task_ended)
        self._optimising, self._got_result = task, False
        self.set_busy(True, self._budget.iterations or 0)

    def _on_optimise_progressed(self, iterations: int, total: int) -> None:
        if total:
            self.progress.setValue(min(iterations, total))
        self.progress.setFormat(translate("plan_ui.progress", self.lang, iterations=iterations))

    def _on_optimised(self, plan: RoundPlan) -> None:
        self._got_result = True
        after = RouteState(tuple(s.case_id for s in plan.stops), self.state.pinned)
        text = translate("plan_ui.cmd.optimise", self.lang)
        self._generation += 1  # the optimised plan is already checked: show it as it is
        self.undo_stack.push(RouteEdit(text, self.state, after, self._apply_optimised(plan)))
        self.show_message(
            translate(
                "plan_ui.optimised", self.lang, stops=len(plan.stops), left=len(plan.left_out)
            )
        )

    def _apply_optimised(self, plan: RoundPlan) -> Callable[[RouteState], None]:
        first = [True]

        def apply(state: RouteState) -> None:
            if first[0]:  # the push: show the result without checking it again
                first[0] = False
                self.state, self._dirty = state, True
                self._show_plan(plan)
            else:
                self.apply_state(state)

        return apply

    def _on_cancel_triggered(self) -> None:
        if self._optimising is not None:
            self._optimising.cancel()

    def _on_optimise_task_ended(self) -> None:
        got = self._got_result
        if not got and self._optimising is not None and self._optimising.cancelled:
            self.show_message(translate("plan_ui.cancelled", self.lang))
        self._optimising = None
        self.set_busy(False, 0)
        self.optimise_ended.emit(got)

    def _on_save_triggered(self) -> None:
        if self.plan is None:
            self.show_message(translate("plan_ui.no_plan", self.lang), error=True)
            return
        work = self._flow.save(self.plan, self._version)
        self._tasks.submit(work, self._on_saved, self._on_task_failed)

    def _on_saved(self, saved: SavedRound) -> None:
        self._version, self._round_id, self._dirty = saved.version, saved.round_id, False
        text = translate("plan_ui.saved", self.lang, round=saved.round_id, version=saved.version)
        if saved.approval_withdrawn:
            text += "\n" + translate("plan_ui.withdrawn", self.lang)
        self.show_message(text, error=saved.approval_withdrawn)
        self.round_saved.emit(saved)

    def _on_submit_triggered(self) -> None:
        if self.plan is None:
            self.show_message(translate("plan_ui.no_plan", self.lang), error=True)
            return
        unsaved = self.plan if self._dirty or self._round_id is None else None
        work = self._flow.submit(unsaved, self._version, self._round_id)
        self._tasks.submit(work, self._on_submitted, self._on_task_failed)

    def _on_submitted(self, done: Submitted) -> None:
        if done.saved is not None:
            self._on_saved(done.saved)
        self._version, self._round_id = done.submitted.version, done.submitted.round_id
        self.show_message(translate("plan_ui.submitted", self.lang, round=done.submitted.round_id))
        self.round_submitted.emit(done.submitted)

    def unsaved_work(self) -> str | None:
        """Edits of the round not saved yet are lost on quitting."""
        if not self._dirty or self.plan is None:
            return None
        return translate("plan_ui.unsaved", self.lang, date=self.day.isoformat())

    def _on_print_triggered(self) -> None:
        if self._round_id is None:
            # Say so before asking for a file name: only a saved round has a route sheet.
            self.show_message(translate("plan_ui.print_needs_saved", self.lang), error=True)
            return
        name = f"route-{self.crew_id}-{self.day.isoformat()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, self.commands["print"].text(), name,
                                                    "PDF (*.pdf)")  # fmt: skip
        if path:
            self.print_to(Path(path))

    def _on_printed(self, path: Path) -> None:
        self.show_message(translate("plan_ui.printed", self.lang, path=path))
        self.sheet_printed.emit(path)

    def _on_task_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self.show_message(render(error.message, self.lang), error=True)
        elif self._report is not None:
            self._report(error)
        else:
            raise error
