"""The Assign screen's widgets, actions and shortcuts; behaviour lives in ``assign_screen``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.assignment import MAX_REASON_LENGTH
from fieldvisit.i18n import translate
from fieldvisit.ui.assign.area_map import AssignMap
from fieldvisit.ui.cases.filters import CaseFilterBar
from fieldvisit.ui.cases.model import CaseTableModel

# Action key → shortcut. Ctrl+Z undoes the last assignment (itself an audited re-assignment).
SHORTCUTS: dict[str, QKeySequence | QKeySequence.StandardKey | str] = {
    "assign": "Ctrl+Return",
    "assign_all": "Ctrl+Shift+Return",
    "unassign": "Ctrl+Shift+Delete",  # Ctrl+Shift+U is the window's "switch user"
    "undo": QKeySequence.StandardKey.Undo,
    "clear": "Escape",
}


class AssignLayout(QWidget):
    """Target picker and reason on top, the filters, then the case list beside the map."""

    def __init__(
        self,
        lang: str,
        model: CaseTableModel,
        eligibility: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.lang = lang
        self.team = QComboBox(self)
        self.crew = QComboBox(self)
        for combo in (self.team, self.crew):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(MAX_REASON_LENGTH)
        self.reason.setClearButtonEnabled(True)
        self.filters = CaseFilterBar(lang, eligibility, self)
        self.model = model
        self.table = self._table(model)
        self.map = AssignMap(self)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.count, self.selection, self.message = QLabel(self), QLabel(self), QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.labels = {key: QLabel(self) for key in ("team", "crew", "reason", "map")}
        self.labels["team"].setBuddy(self.team)
        self.labels["crew"].setBuddy(self.crew)
        self.labels["reason"].setBuddy(self.reason)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.commands: dict[str, QAction] = {}
        self._build_actions()
        self._lay_out()

    def _table(self, model: CaseTableModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(0)  # fit to the rows on screen, never 100k
        return table

    def _build_actions(self) -> None:
        for key, keys in SHORTCUTS.items():
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            self.commands[key] = action
        for key in ("assign", "assign_all", "unassign", "undo"):
            self.toolbar.addAction(self.commands[key])
        self.commands["undo"].setEnabled(False)

    def _lay_out(self) -> None:
        target = QHBoxLayout()
        for key, widget in (("team", self.team), ("crew", self.crew), ("reason", self.reason)):
            target.addWidget(self.labels[key])
            target.addWidget(widget, 2 if key == "reason" else 0)
        target.addWidget(self.toolbar)
        target.addWidget(self.progress)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count, 1)
        footer.addWidget(self.selection)
        column.addLayout(footer)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.labels["map"])
        column.addWidget(self.map, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([620, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(target)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        t = self._t
        for key, label in self.labels.items():
            label.setText(t(f"assign.label.{key}"))
        self.reason.setPlaceholderText(t("assign.reason_hint"))
        for key, action in self.commands.items():
            action.setText(t(f"assign.action.{key}"))
            action.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
        self.filters.retranslate(lang)
        self.model.set_language(lang)
        self.map.set_texts(t("assign.map_empty"), t("assign.map_hint"), t("assign.no_crew"))
        self.setWindowTitle(t("ui.screen.assign"))

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)  # a busy indicator until the first report
        for key in ("assign", "assign_all", "unassign"):
            self.commands[key].setEnabled(not busy)
