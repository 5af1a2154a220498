"""The Team plan screen (managers): plan crews together, rebalance by hand, hand out rounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QPoint, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QTableView, QWidget

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.i18n import render, translate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.catalog import PlanServices, Solver
from fieldvisit.services.planning.review import CrewChoice
from fieldvisit.services.planning.team_model import CrewRound, HeldRound, TeamPlan
from fieldvisit.ui.plan.commands import StateEdit
from fieldvisit.ui.plan.models import RouteRow, problem_rows, round_summary
from fieldvisit.ui.plan.optimise_run import OptimiseRun
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.team_plan.layout import CrewPanel, TeamPlanLayout
from fieldvisit.ui.team_plan.team_map import crew_colour, crew_line
from fieldvisit.ui.team_plan.workflow import HandedOut, TeamWorkflow

PANELS_AT_ONCE = 4  # crews whose route panels are filled at once; the rest follow pass by pass


class TeamPlanScreen(TeamPlanLayout):
    """Standalone: give it the planning services (with ``team``), the manager, language, tasks."""

    plan_changed = Signal(object)  # the TeamPlan now shown (None: nothing planned yet)
    optimise_ended = Signal(bool)  # True with a new result, False when cancelled or failed
    rounds_handed_out = Signal(object)  # list[SavedRound]

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
        super().__init__(lang, parent)
        if services.team is None:
            raise ValueError("the Team plan screen needs PlanServices.team")
        self._flow = TeamWorkflow(services.team, services.solver, actor, template or DayTemplate())
        self._tasks, self._report = tasks, report_error
        self._budget = budget or Budget(seconds=5.0)
        self._solve = solve
        self.undo_stack = QUndoStack(self)
        self.plan: TeamPlan | None = None
        self.handed_out = False  # whether the plan shown is the one handed out
        self._choices: dict[int, CrewChoice] = {}
        self._unplaced: list[tuple[int, CrewRound, list[RouteRow], list[str]]] = []
        self._run = OptimiseRun(
            tasks, self.progress, self.set_busy, self.show_message, lambda: self.lang, self
        )
        self.build_actions(self.undo_stack)
        if day is not None:
            self.date.setDate(QDate(day.year, day.month, day.day))
        self._connect()
        self._tasks.submit(self._flow.crews(), self._on_crews_loaded, self._on_task_failed)

    def _connect(self) -> None:
        self.date.dateChanged.connect(self._on_date_changed)
        self.commands["optimise"].triggered.connect(self._on_optimise_triggered)
        self.commands["cancel"].triggered.connect(self._run.cancel)
        self._run.ended.connect(self.optimise_ended)
        self.commands["hand_out"].triggered.connect(self._on_hand_out_triggered)
        self.left_out_view.customContextMenuRequested.connect(self._on_left_out_menu_requested)

    # --- public API ------------------------------------------------------------------------------

    @property
    def day(self) -> date:
        picked = self.date.date()
        return date(picked.year(), picked.month(), picked.day())

    def move_stop(self, case_id: int, crew_id: int, position: int) -> None:
        """Move a stop (or a left-out case) to a crew; the result is re-checked, then undoable."""
        before = self.plan
        if before is None:
            return
        text = translate(
            "team_plan_ui.cmd.move",
            self.lang,
            case=_case_number(before, case_id),
            crew=before.crew(crew_id).name,
        )
        work = self._flow.move(before, case_id, crew_id, position)
        self._tasks.submit(
            work, lambda after: self._on_moved(text, before, after), self._on_task_failed
        )

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self._show_plan(self.plan)  # the crews' titles and problems are texts too

    def refresh(self) -> None:
        self._tasks.submit(self._flow.crews(), self._on_crews_loaded, self._on_task_failed)

    # --- crews and plans -------------------------------------------------------------------------

    def _on_crews_loaded(self, crews: list[CrewChoice]) -> None:
        self._choices = {c.crew_id: c for c in crews}
        self.set_crews(crews)

    def _on_date_changed(self) -> None:
        self.undo_stack.clear()
        self._show_plan(None)

    def _on_moved(self, text: str, before: TeamPlan, after: TeamPlan) -> None:
        self.handed_out = False
        if before is not self.plan:
            return  # another edit landed first: this answer is out of date
        self.undo_stack.push(StateEdit(text, before, after, self._show_plan))

    def _show_plan(self, plan: TeamPlan | None) -> None:
        self.plan = plan
        crews = plan.crews if plan else ()
        if [p.crew_id for p in self.panels] != [c.crew_id for c in crews]:
            self._clear_panels()
        lines, shown = [], []
        for index, crew in enumerate(crews):
            rows, problems = problem_rows(
                crew.plan.stops, crew.plan.problems, self.lang, self._flow.template
            )
            base = self._choices[crew.crew_id].base if crew.crew_id in self._choices else None
            lines.append(crew_line(rows, base, crew_colour(index)))
            shown.append((index, crew, rows, problems))
        # The first crews at once, the rest one per pass of the event loop: twenty new route
        # tables built, sized and laid out in one go held the window for a quarter second.
        self._unplaced = shown[PANELS_AT_ONCE:]
        for entry in shown[:PANELS_AT_ONCE]:
            self._place_panel(*entry)
        if self._unplaced:
            QTimer.singleShot(0, self._place_next_panel)
        self.map.set_lines(lines)
        self.left_out_model.set_rows(plan.left_out if plan else ())
        self.total.setText(
            translate(
                "team_plan_ui.total",
                self.lang,
                crews=len(crews),
                stops=sum(len(c.order) for c in crews),
                minutes=plan.travel_seconds // 60,
            )
            if plan
            else ""
        )
        self.plan_changed.emit(plan)

    def _clear_panels(self) -> None:
        for panel in self.panels:
            panel.deleteLater()
        self.panels = []

    def _place_next_panel(self) -> None:
        if self._unplaced:  # a newer plan may have replaced the list meanwhile
            self._place_panel(*self._unplaced.pop(0))
        if self._unplaced:
            QTimer.singleShot(0, self._place_next_panel)

    def _place_panel(
        self, index: int, crew: CrewRound, rows: list[RouteRow], problems: list[str]
    ) -> None:
        """Crew ``index``'s panel (built the first time), filled with its route and problems."""
        if index == len(self.panels):
            panel = CrewPanel(crew.crew_id, crew.name, crew_colour(index), self.lang, self)
            panel.model.move_requested.connect(
                lambda case, row, p=panel: self._on_stop_dropped(p, case, row)
            )
            panel.view.customContextMenuRequested.connect(
                lambda at, p=panel: self._on_route_menu_requested(p, at)
            )
            self.panel_box.insertWidget(index, panel)
            self.panels.append(panel)
        panel = self.panels[index]
        panel.model.set_rows(rows)
        summary = (
            round_summary(crew.plan, self.lang)
            if crew.plan.stops
            else translate("team_plan_ui.empty_crew", self.lang)
        )
        panel.set_title(
            translate("team_plan_ui.crew_title", self.lang, name=crew.name, summary=summary)
        )
        heading = translate("plan_ui.problems", self.lang)
        panel.set_problems(problems, heading, translate("plan_ui.no_problems", self.lang))
        panel.fit_height()

    # --- moving stops ----------------------------------------------------------------------------

    def _on_stop_dropped(self, panel: CrewPanel, case_id: int, row: int) -> None:
        if self.plan is None:
            return
        order = self.plan.crew(panel.crew_id).order
        if case_id in order and order.index(case_id) < row:
            row -= 1  # the stop leaves its place above the drop row first
        if not (case_id in order and order.index(case_id) == row):
            self.move_stop(case_id, panel.crew_id, row)

    def _on_route_menu_requested(self, panel: CrewPanel, at: QPoint) -> None:
        index = panel.view.indexAt(at)
        if index.isValid():
            case_id = panel.model.rows[index.row()].stop.case_id
            self._move_menu(panel.view, at, case_id, exclude=panel.crew_id)

    def _on_left_out_menu_requested(self, at: QPoint) -> None:
        index = self.left_out_view.indexAt(at)
        if index.isValid():
            case_id = self.left_out_model.rows[index.row()].case_id
            self._move_menu(self.left_out_view, at, case_id, exclude=None)

    def _move_menu(self, view: QTableView, at: QPoint, case_id: int, exclude: int | None) -> None:
        """ "Move to crew ▸": each other crew; the stop goes to the end of its route."""
        menu = self.move_menu(case_id, exclude)
        menu.exec(view.viewport().mapToGlobal(at))
        menu.deleteLater()

    def move_menu(self, case_id: int, exclude: int | None) -> QMenu:
        menu = QMenu(self)
        targets = menu.addMenu(translate("team_plan_ui.move_to", self.lang))
        for crew in self.plan.crews if self.plan else ():
            if crew.crew_id != exclude:
                action = targets.addAction(crew.name)
                action.triggered.connect(
                    lambda _c=False, c=crew: self.move_stop(case_id, c.crew_id, len(c.order))
                )
        return menu

    # --- optimise and hand out -------------------------------------------------------------------

    def _on_optimise_triggered(self) -> None:
        crews = self.checked_crews()
        if not crews:
            self.show_message(translate("team_plan_ui.no_crews", self.lang), error=True)
            return
        extra = {"solve": self._solve} if self._solve else {}
        work = self._flow.optimise(crews, self.day, self._budget, **extra)
        total = self._budget.iterations or 0
        self._run.start(
            work, total, self._on_optimised, self._on_task_failed, seconds=self._budget.seconds
        )

    def _on_optimised(self, plan: TeamPlan) -> None:
        self.handed_out = False
        text = translate("team_plan_ui.cmd.optimise", self.lang)
        self.undo_stack.push(StateEdit(text, self.plan, plan, self._show_plan))
        stops = sum(len(c.order) for c in plan.crews)
        self.show_message(
            translate(
                "team_plan_ui.optimised",
                self.lang,
                crews=len(plan.crews),
                stops=stops,
                left=len(plan.left_out),
            )
        )

    def _on_hand_out_triggered(self) -> None:
        if self.plan is None:
            self.show_message(translate("team_plan_ui.no_plan", self.lang), error=True)
            return
        plan = self.plan
        self._tasks.submit(
            self._flow.held(plan),
            lambda held: self._on_held_loaded(plan, held),
            self._on_task_failed,
        )

    def _on_held_loaded(self, plan: TeamPlan, held: list[HeldRound]) -> None:
        withdraw: frozenset[int] = frozenset()
        if held:
            chosen = self.ask_withdraw(held)
            if chosen is None:
                return
            withdraw = chosen
        self._tasks.submit(
            self._flow.hand_out(plan, withdraw), self._on_handed_out, self._on_task_failed
        )

    def ask_withdraw(self, held: list[HeldRound]) -> frozenset[int] | None:
        """Which approved rounds the manager lets the hand-out withdraw (None: hand nothing out).

        Rounds under way or closed are always kept; the question names every crew and case.
        """
        lines = [held_line(h, self.lang) for h in held]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("team_plan_ui.held.title", self.lang))
        box.setText(translate("team_plan_ui.held.text", self.lang, count=len(held)))
        box.setInformativeText("\n".join(lines))
        approved = frozenset(h.crew_id for h in held if h.status is RoundStatus.APPROVED)
        replace = None
        if approved:
            replace = box.addButton(
                translate("team_plan_ui.held.withdraw", self.lang),
                QMessageBox.ButtonRole.AcceptRole,
            )
        keep = box.addButton(
            translate("team_plan_ui.held.keep", self.lang), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        if replace is not None and box.clickedButton() is replace:
            return approved
        return frozenset() if box.clickedButton() is keep else None

    def unsaved_work(self) -> str | None:
        """A team plan optimised or moved but not handed out is lost on quitting."""
        if self.plan is None or self.handed_out:
            return None
        return translate("team_plan_ui.unsaved", self.lang, date=self.plan.day.isoformat())

    def _on_handed_out(self, done: HandedOut) -> None:
        # The saved rounds are the new base: undoing past them would hand out stale versions.
        self.undo_stack.clear()
        self._show_plan(done.plan)
        self.handed_out = True
        rounds = ", ".join(str(s.round_id) for s in done.saved)
        text = translate("team_plan_ui.handed_out", self.lang, count=len(done.saved), rounds=rounds)
        if done.kept:
            kept = ", ".join(h.crew_name for h in done.kept)
            text += " " + translate("team_plan_ui.kept", self.lang, crews=kept)
        self.show_message(text)
        self.rounds_handed_out.emit(done.saved)

    def _on_task_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self.show_message(render(error.message, self.lang), error=True)
        elif self._report is not None:
            self._report(error)
        else:
            raise error


def _case_number(plan: TeamPlan, case_id: int) -> str:
    numbers = {s.case_id: s.case_number for c in plan.crews for s in c.plan.stops}
    numbers.update({left.case_id: left.case_number for left in plan.left_out})
    return numbers.get(case_id, str(case_id))


def held_line(held: HeldRound, lang: str) -> str:
    """One crew's saved round as the hand-out question names it: status and case numbers."""
    status = translate(f"plan_ui.round_status.{held.status.value}", lang)
    return translate(
        "team_plan_ui.held.line",
        lang,
        crew=held.crew_name,
        status=status,
        cases=", ".join(held.case_numbers),
    )
