"""Mid-day re-plan: drop stops, add an urgent case, see the proposed rest of the day, apply it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import StopApproval
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.catalog import Solver
from fieldvisit.services.field.today import TodayRound
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.replanning import Replan, ReplanRequest, ReplanService
from fieldvisit.services.planning.rounds import SavedRound
from fieldvisit.ui.plan.workflow import child_planner
from fieldvisit.ui.tasks import Progress, Task, TaskRunner

REASONS = ("replan.reason.late", "replan.reason.no_access", "replan.reason.urgent")
PROPOSAL_COLUMNS = ("replan.col.seq", "replan.col.time", "replan.col.case", "replan.col.approval")


def propose_work(
    replans: ReplanService,
    actor: Actor,
    request: ReplanRequest,
    budget: Budget,
    solve: Solver,
) -> Callable[[Progress], Replan]:
    """The background work of a proposal: the planner runs in a child process Cancel can kill."""

    def work(progress: Progress) -> Replan:
        planner = child_planner(solve, progress, budget.iterations or 0)
        return replans.propose(actor, request, budget, planner=planner)

    return work


class ReplanDialog(QDialog):
    """Re-plans the round under way; ``applied`` carries the saved round once it is stored."""

    applied = Signal(object)

    def __init__(
        self,
        replans: ReplanService,
        eligibility: EligibilityService,
        actor: Actor,
        today: TodayRound,
        day: date,
        lang: str,
        tasks: TaskRunner,
        report_error: Callable[[BaseException], None],
        solve: Solver,
        budget: Budget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._report_error, self._solve = report_error, solve
        self._replans, self._eligibility, self._actor = replans, eligibility, actor
        self._today, self._day, self._lang, self._tasks = today, day, lang, tasks
        self._budget = budget or Budget(seconds=3.0)
        self.proposal: Replan | None = None
        self._running: Task | None = None
        self._build()
        self._retranslate()
        self._load_candidates()

    def _build(self) -> None:
        self.rest = QListWidget(self)  # checked = drop this stop (no access, postponed)
        for stop in self._today.stops:
            if stop.workable and stop.visit_id is None:
                item = QListWidgetItem(f"{stop.seq}. {stop.case_number}  {stop.address}")
                item.setData(Qt.ItemDataRole.UserRole, stop.case_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.rest.addItem(item)
        self.candidates = QComboBox(self)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.added = QListWidget(self)
        QShortcut(QKeySequence.StandardKey.Delete, self.added, self._remove_added)
        self.reason = QComboBox(self)
        self.reason.setEditable(True)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.proposal_table = QTableWidget(0, len(PROPOSAL_COLUMNS), self)
        self.proposal_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.proposal_table.horizontalHeader().setStretchLastSection(True)
        self.proposal_table.verticalHeader().hide()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.propose_button = QPushButton(self)
        self.propose_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.propose_button.clicked.connect(self._on_propose_clicked)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.apply_button = QPushButton(self)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.reject)
        self._lay_out()

    def _lay_out(self) -> None:
        """What to change on the left, the proposed rest of the day on the right."""
        self.rest_label, self.add_label, self.reason_label = (
            QLabel(self),
            QLabel(self),
            QLabel(self),
        )
        self.added.setMaximumHeight(self.fontMetrics().height() * 5)
        left = QVBoxLayout()
        left.addWidget(self.rest_label)
        left.addWidget(self.rest, 1)
        left.addWidget(self.add_label)
        adding = QHBoxLayout()
        adding.addWidget(self.candidates, 1)
        adding.addWidget(self.add_button)
        left.addLayout(adding)
        left.addWidget(self.added)
        left.addWidget(self.reason_label)
        left.addWidget(self.reason)
        right = QVBoxLayout()
        right.addWidget(self.proposal_table, 1)
        right.addWidget(self.progress)
        right.addWidget(self.summary)
        panes = QHBoxLayout()
        panes.addLayout(left, 2)
        panes.addLayout(right, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.propose_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.addLayout(panes, 1)
        column.addLayout(buttons)
        self.resize(1040, 620)

    def _retranslate(self) -> None:
        lang = self._lang
        self.setWindowTitle(translate("replan.title", lang))
        self.rest_label.setText(translate("replan.rest", lang))
        self.add_label.setText(translate("replan.add", lang))
        self.reason_label.setText(translate("replan.reason", lang))
        self.add_button.setText(translate("replan.add_button", lang))
        self.propose_button.setText(translate("replan.propose", lang))
        self.cancel_button.setText(translate("replan.cancel", lang))
        self.apply_button.setText(translate("replan.apply", lang))
        self.close_button.setText(translate("replan.close", lang))
        self.reason.clear()
        self.reason.addItems([translate(key, lang) for key in REASONS])
        self.reason.setCurrentIndex(-1)
        editor = self.reason.lineEdit()
        if editor is not None:  # always, the combo box is editable
            editor.setPlaceholderText(translate("replan.reason_hint", lang))
        self.proposal_table.setHorizontalHeaderLabels(
            [translate(key, lang) for key in PROPOSAL_COLUMNS]
        )

    def _load_candidates(self) -> None:
        """Cases of the crew that could still be visited today, for an urgent addition."""
        eligibility, actor, day, crew = self._eligibility, self._actor, self._day, self._today
        in_round = {stop.case_id for stop in crew.stops}

        def work(_progress: Progress) -> list[tuple[int, str, str]]:
            result = eligibility.for_day(actor, day, crew.crew_id)
            return [
                (c.case_id, c.case_number, c.status.value)
                for c in result.cases
                if not c.blocked and c.case_id not in in_round
            ]

        self._tasks.submit(work, self._on_candidates_loaded, self._on_failed)

    def _on_candidates_loaded(self, rows: list[tuple[int, str, str]]) -> None:
        for case_id, number, status in rows:
            label = f"{number} · {translate(f'replan.case_status.{status}', self._lang)}"
            self.candidates.addItem(label, case_id)

    def _on_add_clicked(self) -> None:
        case_id = self.candidates.currentData()
        if case_id is None or case_id in self.added_cases():
            return
        item = QListWidgetItem(self.candidates.currentText())
        item.setData(Qt.ItemDataRole.UserRole, case_id)
        self.added.addItem(item)
        self._forget_proposal()

    def _remove_added(self) -> None:
        for item in self.added.selectedItems():
            self.added.takeItem(self.added.row(item))
        self._forget_proposal()

    def added_cases(self) -> tuple[int, ...]:
        return tuple(
            int(self.added.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.added.count())
        )

    def dropped_cases(self) -> tuple[int, ...]:
        return tuple(
            int(self.rest.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.rest.count())
            if self.rest.item(i).checkState() == Qt.CheckState.Checked
        )

    def request(self) -> ReplanRequest:
        return ReplanRequest(
            self._today.round_id,
            self.reason.currentText(),
            add=self.added_cases(),
            drop=self.dropped_cases(),
        )

    def _on_propose_clicked(self) -> None:
        if not self.reason.currentText().strip():
            self.summary.setText(translate("replan.error.reason_required", self._lang))
            self.reason.setFocus()
            return
        self._forget_proposal()
        self.progress.setVisible(True)
        self.progress.setRange(0, self._budget.iterations or 0)
        self.propose_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        work = propose_work(self._replans, self._actor, self.request(), self._budget, self._solve)
        self._running = self._tasks.submit(
            work, self._on_proposed, self._on_failed, self._on_progressed
        )
        self._running.ended.connect(self._on_propose_ended)

    def _on_progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setValue(min(done, total))

    def _on_cancel_clicked(self) -> None:
        if self._running is not None:
            self._running.cancel()

    def _on_propose_ended(self) -> None:
        if self._running is not None and self._running.cancelled:
            self.summary.setText(translate("replan.cancelled", self._lang))
        self._running = None
        self.progress.setVisible(False)
        self.propose_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_proposed(self, proposal: Replan) -> None:
        self.proposal = proposal
        self._show_proposal(proposal)
        self.apply_button.setEnabled(True)

    def _show_proposal(self, proposal: Replan) -> None:
        lang, table = self._lang, self.proposal_table
        table.setRowCount(len(proposal.plan.stops))
        for row, (stop, approval) in enumerate(
            zip(proposal.plan.stops, proposal.approvals, strict=True)
        ):
            cells = (
                str(proposal.first_seq + row),
                f"{stop.start:%H:%M}–{stop.end:%H:%M}",
                stop.case_number,
                translate(f"replan.approval.{approval.value}", lang),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if approval is StopApproval.PENDING:
                    item.setForeground(Qt.GlobalColor.darkRed)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)  # resizing to contents unsets it
        lines = [render(proposal.summary, lang)]
        numbers = {stop.case_id: stop.case_number for stop in self._today.stops}
        if proposal.dropped:
            dropped = ", ".join(numbers.get(c, str(c)) for c in proposal.dropped)
            lines.append(translate("replan.dropped", lang, cases=dropped))
        if proposal.needs_approval:
            lines.append(translate("replan.needs_approval", lang))
        lines += [render(problem, lang) for problem in proposal.plan.problems]
        self.summary.setText("\n".join(lines))

    def _on_apply_clicked(self) -> None:
        proposal = self.proposal
        if proposal is None:
            return
        replans, actor = self._replans, self._actor
        self.apply_button.setEnabled(False)
        self._tasks.submit(
            lambda _p: replans.apply(actor, proposal), self._on_applied, self._on_failed
        )

    def _on_applied(self, saved: SavedRound) -> None:
        self.applied.emit(saved)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, FieldVisitError):
            self.summary.setText(render(error.message, self._lang))
            self.apply_button.setEnabled(self.proposal is not None)
        else:
            self._report_error(error)

    def _forget_proposal(self) -> None:
        self.proposal = None
        self.apply_button.setEnabled(False)
        self.proposal_table.setRowCount(0)
