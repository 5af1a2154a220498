"""One tab of the Organisation screen: a table of records and the form that adds or edits one.

The tab knows only text fields (the import's column names): the screen loads rows and saves a
form through the organisation service, in the background; refusals appear under the form with
the field named, warnings (a crew too small for its profile) beside them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.i18n import translate

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class FieldSpec:
    """A column of the table and a row of the form; ``choices`` makes it a drop-down."""

    name: str
    in_table: bool = True
    choices: tuple[str, ...] = ()
    key: bool = False  # identifies the record: not editable once it exists
    in_form: bool = True


class RecordsModel(QAbstractTableModel):
    """Records as text fields; columns declared as data."""

    def __init__(self, fields: Sequence[FieldSpec], lang: str) -> None:
        super().__init__()
        self.fields = [f for f in fields if f.in_table]
        self.lang = lang
        self.rows: list[dict[str, str]] = []

    def set_rows(self, rows: list[dict[str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.fields)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.rows[index.row()].get(self.fields[index.column()].name, "")

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.fields):
            return None
        return translate(f"org.ui.field.{self.fields[section].name}", self.lang)


class RecordTab(QWidget):
    """Table above, form below: New clears the form, a selected row fills it, Save saves it."""

    save_requested = Signal(dict, bool)  # the form's fields, and whether it edits a record

    def __init__(self, fields: Sequence[FieldSpec], lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.specs = [f for f in fields if f.in_form]
        self.model = RecordsModel(fields, lang)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for spec in (f for f in fields if f.in_form):
            widget: QLineEdit | QComboBox
            if spec.choices:
                widget = QComboBox(self)
                widget.setEditable(True)
                widget.addItems(list(spec.choices))
            else:
                widget = QLineEdit(self)
            self.inputs[spec.name] = widget
            self.labels[spec.name] = QLabel(translate(f"org.ui.field.{spec.name}", lang), self)
            form.addRow(self.labels[spec.name], widget)
        self.new_button = QPushButton(translate("org.ui.new", lang), self)
        self.save_button = QPushButton(translate("org.ui.save", lang), self)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.button_row = QHBoxLayout()
        self.button_row.addWidget(self.new_button)
        self.button_row.addWidget(self.save_button)
        self.button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addLayout(form)
        layout.addLayout(self.button_row)
        layout.addWidget(self.message)
        self.editing = False

    def add_action(self, text: str, handler: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(handler)
        self.button_row.insertWidget(self.button_row.count() - 1, button)
        return button

    def set_rows(self, rows: list[dict[str, str]]) -> None:
        self.model.set_rows(rows)

    def values(self) -> dict[str, str]:
        return {
            name: (w.currentText() if isinstance(w, QComboBox) else w.text()).strip()
            for name, w in self.inputs.items()
        }

    def fill(self, values: dict[str, str]) -> None:
        for name, widget in self.inputs.items():
            text = values.get(name, "")
            if isinstance(widget, QComboBox):
                widget.setCurrentText(text)
            else:
                widget.setText(text)
        self._lock_keys(True)

    def clear_form(self) -> None:
        self.table.clearSelection()
        for spec in self.specs:
            widget = self.inputs[spec.name]
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(0 if spec.choices else -1)
            else:
                widget.clear()
        self._lock_keys(False)
        self.message.clear()

    def selected(self) -> dict[str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def show_message(self, text: str, *, error: bool, warning: bool = False) -> None:
        # Red: nothing was saved; amber: saved, with something to know; green: saved.
        colour = "#b00020" if error else "#9a5b00" if warning else "#1b5e20"
        self.message.setStyleSheet(f"color: {colour}")
        self.message.setText(text)

    def _lock_keys(self, editing: bool) -> None:
        self.editing = editing
        for spec in self.specs:
            if spec.key:
                self.inputs[spec.name].setEnabled(not editing)

    def _on_table_selection_changed(self) -> None:
        row = self.selected()
        if row is not None:
            self.fill(row)
            self.message.clear()

    def _on_save_clicked(self) -> None:
        self.save_requested.emit(self.values(), self.editing)
