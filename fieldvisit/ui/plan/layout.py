"""The Plan screen's widgets, actions and shortcuts; behaviour lives in ``plan_screen``."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.i18n import translate
from fieldvisit.services.planning.eligibility_model import CaseEligibility
from fieldvisit.ui.maps.route_map import PlanMap
from fieldvisit.ui.plan.models import CandidatesModel, LeftOutModel, RouteModel

# Action key → shortcut; undo and redo come from the undo stack with the platform's keys.
SHORTCUTS: dict[str, QKeySequence | QKeySequence.StandardKey | str] = {
    "load": QKeySequence.StandardKey.Refresh,
    "optimise": "Ctrl+Return",
    "cancel": "Escape",
    "add": "Ctrl+Shift+A",
    "drop": QKeySequence.StandardKey.Delete,
    "pin": "Ctrl+Shift+P",
    "up": "Alt+Up",
    "down": "Alt+Down",
    "save": QKeySequence.StandardKey.Save,
    "submit": "Ctrl+Shift+Return",
    "print": QKeySequence.StandardKey.Print,
}


RESIZE_ROWS = 50  # rows past the visible ones that size a column to its contents


def _table(model: CandidatesModel | RouteModel | LeftOutModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Sized from the rows in view and a few more, not from the first 1,000 (Qt's default): a
    # team day's left-out list of 800 cases otherwise holds the window for a third of a second.
    header.setResizeContentsPrecision(RESIZE_ROWS)
    header.setStretchLastSection(True)
    return view


def screen_actions(
    owner: QWidget,
    shortcuts: Mapping[str, QKeySequence | QKeySequence.StandardKey | str],
    stack: QUndoStack,
    lang: str,
) -> dict[str, QAction]:
    """One action per shortcut and the stack's undo and redo, all working inside ``owner``."""
    actions: dict[str, QAction] = {}
    for key, keys in shortcuts.items():
        actions[key] = QAction(owner)
        actions[key].setShortcut(QKeySequence(keys))
    actions["undo"] = stack.createUndoAction(owner, translate("plan_ui.undo", lang))
    actions["undo"].setShortcut(QKeySequence.StandardKey.Undo)
    actions["redo"] = stack.createRedoAction(owner, translate("plan_ui.redo", lang))
    actions["redo"].setShortcut(QKeySequence.StandardKey.Redo)
    for action in actions.values():
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner.addAction(action)
    return actions


def column(parent: QWidget, *widgets: QWidget) -> QWidget:
    """Widgets stacked in one column without margins."""
    holder = QWidget(parent)
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        box.addWidget(widget)
    return holder


def three_columns(
    parent: QWidget, parts: tuple[QWidget, QWidget, QWidget], sizes: list[int]
) -> QSplitter:
    """Picker, work area and map side by side; the work area and the map grow."""
    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    for part in parts:
        splitter.addWidget(part)
    splitter.setStretchFactor(1, 3)
    splitter.setStretchFactor(2, 2)
    splitter.setSizes(sizes)
    return splitter


class PlanLayout(QWidget):
    def __init__(self, lang: str, *, sheets: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._sheets = sheets
        self.crew = QComboBox(self)
        self.crew.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate().addDays(1))
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.candidates_model = CandidatesModel(lang, self)
        self.route_model = RouteModel(lang, self)
        self.left_out_model = LeftOutModel(lang, self)
        self.candidates_view = _table(self.candidates_model, self)
        self.candidates_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.route_view = _table(self.route_model, self)
        self.route_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.route_view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.route_view.setDragEnabled(True)
        self.route_view.setDropIndicatorShown(True)
        self.left_out_view = _table(self.left_out_model, self)
        self.summary, self.problems, self.message = QLabel(self), QLabel(self), QLabel(self)
        for label in (self.summary, self.problems, self.message):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.map = PlanMap(self)
        self.labels = {key: QLabel(self) for key in ("crew", "date", "candidates", "route",
                                                      "left_out", "map")}  # fmt: skip
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.commands: dict[str, QAction] = {}

    def build_actions(self, stack: QUndoStack) -> None:
        self.commands.update(screen_actions(self, SHORTCUTS, stack, self.lang))
        self.commands["print"].setVisible(self._sheets)
        self.commands["cancel"].setEnabled(False)
        self._lay_out()
        self.retranslate(self.lang)

    def _lay_out(self) -> None:
        for key in ("optimise", "cancel", "undo", "redo", "save", "submit", "print"):
            self.toolbar.addAction(self.commands[key])
        top = QHBoxLayout()
        for widget in (self.labels["crew"], self.crew, self.labels["date"], self.date):
            top.addWidget(widget)
        top.addWidget(self.toolbar, 1)
        top.addWidget(self.progress)
        edits = QToolBar(self)
        for key in ("add", "drop", "pin", "up", "down"):
            edits.addAction(self.commands[key])
        left = self._column(self.labels["candidates"], self.candidates_view)
        middle = self._column(
            self.labels["route"],
            self.summary,
            edits,
            self.route_view,
            self.problems,
            self.labels["left_out"],
            self.left_out_view,
        )
        stretch = middle.layout()
        if isinstance(stretch, QVBoxLayout):  # the route gets most of the height
            stretch.setStretch(3, 3)
            stretch.setStretch(6, 1)
        right = self._column(self.labels["map"], self.map)
        splitter = three_columns(self, (left, middle, right), [340, 600, 440])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def _column(self, *widgets: QWidget) -> QWidget:
        return column(self, *widgets)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        for key, label in self.labels.items():
            label.setText(translate(f"plan_ui.{key}", lang))
        for key, action in self.commands.items():
            if key not in ("undo", "redo"):
                action.setText(translate(f"plan_ui.{key}", lang))
                action.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
        for model in (self.candidates_model, self.route_model, self.left_out_model):
            model.retranslate(lang)
        self.map.set_texts(translate("plan_ui.map_empty", lang), translate("sheet.base", lang))
        self.setWindowTitle(translate("plan_ui.title", lang))

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def set_busy(self, busy: bool, total: int) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, total)  # 0..0: a busy indicator for a time budget
        self.progress.setValue(0)
        self.commands["optimise"].setEnabled(not busy)
        self.commands["cancel"].setEnabled(busy)

    def selected_candidates(self) -> list[CaseEligibility]:
        rows = sorted({i.row() for i in self.candidates_view.selectionModel().selectedRows()})
        return [self.candidates_model.rows[r] for r in rows]

    def current_route_row(self) -> int | None:
        index = self.route_view.currentIndex()
        return index.row() if index.isValid() else None

    def select_route_row(self, row: int) -> None:
        if 0 <= row < self.route_model.rowCount():
            self.route_view.selectRow(row)
