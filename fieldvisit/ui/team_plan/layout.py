"""The Team plan screen's widgets: date, crews to plan, one route list per crew, map, actions."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScrollArea,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.i18n import translate
from fieldvisit.services.planning.review import CrewChoice
from fieldvisit.ui.plan.layout import _table, column, screen_actions, three_columns
from fieldvisit.ui.plan.models import LeftOutModel
from fieldvisit.ui.team_plan.models import CrewRouteModel
from fieldvisit.ui.team_plan.team_map import TeamMap

SHORTCUTS: dict[str, QKeySequence | str] = {
    "optimise": "Ctrl+Return",
    "cancel": "Escape",
    "hand_out": "Ctrl+Shift+Return",
}
ERROR_STYLE, OK_STYLE = "color: #b00020;", "color: #2e7d32;"


class CrewPanel(QWidget):
    """One crew's route: a coloured title with its summary, the stops, what its order breaks."""

    def __init__(self, crew_id: int, name: str, colour: str, lang: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.crew_id, self.name, self.colour = crew_id, name, colour
        self.title, self.problems = QLabel(self), QLabel(self)
        self.problems.setWordWrap(True)
        self.model = CrewRouteModel(crew_id, lang, self)
        self.view: QTableView = _table(self.model, self)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Drops come from the other crews' lists too, so not InternalMove.
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDropIndicatorShown(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rows = self.view.verticalHeader()
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 8)  # several lists fit
        # Columns are sized once per new route (fit_height), not on every layout pass: with
        # twenty crews, sizing to contents live asked the models for 100,000 cells per show.
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 4)
        for widget in (self.title, self.view, self.problems):
            box.addWidget(widget)

    def set_title(self, text: str) -> None:
        self.title.setText(f'<span style="color:{self.colour}">■</span> <b>{text}</b>')

    def set_problems(self, lines: list[str], heading: str, fine: str) -> None:
        self.problems.setText("\n".join([heading, *("• " + p for p in lines)]) if lines else fine)
        self.problems.setStyleSheet(ERROR_STYLE if lines else OK_STYLE)

    def fit_height(self) -> None:
        """Show every stop without an inner scroll bar: the panels scroll together."""
        self.view.resizeColumnsToContents()
        rows = self.model.rowCount()
        header = self.view.horizontalHeader().height()
        height = header + max(rows, 1) * self.view.verticalHeader().defaultSectionSize() + 6
        self.view.setFixedHeight(height)


class TeamPlanLayout(QWidget):
    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate().addDays(1))
        self.crews = QListWidget(self)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        # Wide enough for a stage's name and its percentage ("Checking each crew's route… 90%").
        self.progress.setMinimumWidth(self.progress.fontMetrics().averageCharWidth() * 44)
        self.progress.hide()
        self.panels: list[CrewPanel] = []
        self.panel_area = QWidget(self)
        self.panel_box = QVBoxLayout(self.panel_area)
        self.panel_box.addStretch(1)
        self.left_out_model = LeftOutModel(lang, self)
        self.left_out_view = _table(self.left_out_model, self)
        self.left_out_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.total, self.message = QLabel(self), QLabel(self)
        self.message.setWordWrap(True)
        self.map = TeamMap(self)
        keys = ("date", "crews", "routes", "left_out", "map")
        self.labels = {key: QLabel(self) for key in keys}
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.commands: dict[str, QAction] = {}

    def build_actions(self, stack: QUndoStack) -> None:
        self.commands.update(screen_actions(self, SHORTCUTS, stack, self.lang))
        self.commands["cancel"].setEnabled(False)
        self._lay_out()
        self.retranslate(self.lang)

    def _lay_out(self) -> None:
        for key in ("optimise", "cancel", "undo", "redo", "hand_out"):
            self.toolbar.addAction(self.commands[key])
        top = QHBoxLayout()
        top.addWidget(self.labels["date"])
        top.addWidget(self.date)
        top.addWidget(self.toolbar, 1)
        top.addWidget(self.progress)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel_area)
        # The crews list is short: what no crew got shares its column, the routes get the height.
        self.crews.setMaximumHeight(140)
        left = column(
            self, self.labels["crews"], self.crews, self.labels["left_out"], self.left_out_view
        )
        middle = column(self, self.labels["routes"], self.total, scroll)
        right = column(self, self.labels["map"], self.map)
        splitter = three_columns(self, (left, middle, right), [340, 640, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for key, label in self.labels.items():
            prefix = "plan_ui" if key in ("left_out", "map") else "team_plan_ui"
            label.setText(translate(f"{prefix}.{key}", lang))
        # Undo and redo keep the stack's own texts ("Undo Move …").
        texts = {
            "optimise": "plan_ui.optimise",
            "cancel": "plan_ui.cancel",
            "hand_out": "team_plan_ui.hand_out",
        }
        for key, text_id in texts.items():
            action = self.commands[key]
            action.setText(translate(text_id, lang))
            action.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
        self.left_out_model.retranslate(lang)
        for panel in self.panels:
            panel.model.retranslate(lang)
        self.map.set_texts(translate("plan_ui.map_empty", lang), translate("sheet.base", lang))
        self.setWindowTitle(translate("team_plan_ui.title", lang))

    def set_crews(self, crews: list[CrewChoice]) -> None:
        """Crews to tick; all are ticked at first (the manager's whole team)."""
        self.crews.clear()
        for choice in crews:
            item = QListWidgetItem(f"{choice.team_name} / {choice.name}", self.crews)
            item.setData(Qt.ItemDataRole.UserRole, choice.crew_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)

    def checked_crews(self) -> list[int]:
        items = (self.crews.item(row) for row in range(self.crews.count()))
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() is Qt.CheckState.Checked
        ]

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def set_busy(self, busy: bool, total: int) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, total)  # 0..0: a busy indicator for a time budget
        self.progress.setValue(0)
        for key in ("optimise", "hand_out"):
            self.commands[key].setEnabled(not busy)
        self.commands["cancel"].setEnabled(busy)
