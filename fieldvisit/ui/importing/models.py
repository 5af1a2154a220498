"""Table models of the Import dialog: the column mapping, the file preview, the problem report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from fieldvisit.domain.import_rows import RowError
from fieldvisit.i18n import render, translate

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
FIELD_ROLE = Qt.ItemDataRole.UserRole  # the field name behind a translated label


@dataclass(frozen=True)
class Column:
    title_id: str
    value: Callable[[RowError, str], str]


class MappingModel(QAbstractTableModel):
    """One row per file header; column 1 holds the FieldVisit field, edited with a combo box."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._headers: list[str] = []
        self._fields: dict[str, str] = {}
        self.choices: tuple[str, ...] = ()

    def reset(
        self, headers: Sequence[str], mapping: Mapping[str, str], choices: Sequence[str]
    ) -> None:
        self.beginResetModel()
        self._headers = [h for h in headers if h]
        self._fields = {h: mapping.get(h, "") for h in self._headers}
        self.choices = ("", *choices)
        self.endResetModel()

    def mapping(self) -> dict[str, str]:
        return {header: field for header, field in self._fields.items() if field}

    def label(self, field: str) -> str:
        return translate(f"import.field.{field or 'none'}", self._lang)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802  (Qt's API)
        return 0 if parent.isValid() else len(self._headers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        header = self._headers[index.row()]
        if role == _DISPLAY:
            return header if index.column() == 0 else self.label(self._fields[header])
        if role in (_EDIT, FIELD_ROLE) and index.column() == 1:
            return self._fields[header]
        return None

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 1 or role != _EDIT or value not in self.choices:
            return False
        self._fields[self._headers[index.row()]] = str(value)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return (
            base | Qt.ItemFlag.ItemIsEditable if index.isValid() and index.column() == 1 else base
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != _DISPLAY or section not in (0, 1):
            return None
        return translate(("dialog.import.header", "dialog.import.field")[section], self._lang)


class FieldDelegate(QStyledItemDelegate):
    """A combo box of FieldVisit fields for the mapping column."""

    def __init__(self, model: MappingModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for field in self._model.choices:
            combo.addItem(self._model.label(field), field)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(FIELD_ROLE))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), _EDIT)


class PreviewModel(QAbstractTableModel):
    """The file's first rows as they are, under the file's own headers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()

    def reset(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        self._rows = tuple(tuple(r) for r in rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or role != _DISPLAY:
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 2)  # the file's own row number; row 1 holds the headers
        return self._headers[section] if 0 <= section < len(self._headers) else None


class ReportModel(QAbstractTableModel):
    """Row, column, value and what to fix, one line per problem."""

    COLUMNS = (
        Column("import.report.row", lambda e, _l: str(e.row)),
        Column("import.report.column", lambda e, _l: e.column),
        Column("import.report.value", lambda e, _l: e.value),
        Column("import.report.problem", lambda e, lang: render(e.message, lang)),
    )

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._errors: tuple[RowError, ...] = ()

    def reset(self, errors: Sequence[RowError]) -> None:
        self.beginResetModel()
        self._errors = tuple(errors)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or role != _DISPLAY:
            return None
        return self.COLUMNS[index.column()].value(self._errors[index.row()], self._lang)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != _DISPLAY:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return translate(self.COLUMNS[section].title_id, self._lang)
