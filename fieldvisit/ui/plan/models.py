"""Table models of the Plan screen: candidate cases, the route (drag to reorder), left-out cases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QColor

from fieldvisit.domain.messages import Message
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.i18n import render, translate
from fieldvisit.services.planning.eligibility_model import CaseEligibility, Eligibility, Reason
from fieldvisit.services.planning.model import LeftOut, PlannedStop, RoundPlan

ModelIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
ROW_MIME = "application/x-fieldvisit-route-row"
STATUS_COLOURS = {
    Eligibility.NEEDS_APPROVAL: QColor("#fff1dc"),
    Eligibility.BLOCKED: QColor("#fde2e1"),
}
PROBLEM_COLOUR = QColor("#f8c9c6")


def reason_line(reason: Reason, lang: str) -> str:
    """One rule a case breaks: rule id, message and its legal or policy source."""
    return translate(
        "plan_ui.reason_line",
        lang,
        rule=reason.rule,
        message=render(reason.message, lang),
        source=reason.source.text(lang),
    )


def hm(value: datetime) -> str:
    return f"{value:%H:%M}"


@dataclass(frozen=True)
class RouteRow:
    """A stop as the route table shows it: the stop and the problems of its fixed order."""

    stop: PlannedStop
    problems: tuple[str, ...]


Column = tuple[str, Callable[[Any, str], str]]


class TableModel(QAbstractTableModel, Generic[Row]):
    """A read-only table: rows are plain data, columns (header id, text function) are data."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self, lang: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.rows: list[Row] = []
        # Cell texts as first shown: Qt asks for the same cell many times while sizing and
        # painting, and a team day shows hundreds of rows at once. Rows are immutable.
        self._texts: dict[tuple[int, int], str] = {}

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts.clear()
        self.endResetModel()

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self.rows:
            last = self.index(len(self.rows) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            key = (index.row(), index.column())
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = self.COLUMNS[index.column()][1](row, self.lang)
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(self.COLUMNS[section][0], self.lang)
        return None

    def tooltip(self, row: Row) -> str | None:
        return None

    def background(self, row: Row) -> QColor | None:
        return None


def _status(status: Eligibility, lang: str) -> str:
    return translate(f"eligibility.status.{status.value}", lang)


class CandidatesModel(TableModel[CaseEligibility]):
    """Every case of the crew for the day, with its verdict; tooltips carry rule and source."""

    COLUMNS: tuple[Column, ...] = (
        ("plan_ui.col.case", lambda c, lang: c.case_number),
        ("plan_ui.col.status", lambda c, lang: _status(c.status, lang)),
        ("plan_ui.col.windows", lambda c, lang: ", ".join(map(str, c.intervals)) or "—"),
        ("plan_ui.col.reasons", lambda c, lang: "; ".join(r.rule for r in c.reasons)),
    )

    def tooltip(self, row: CaseEligibility) -> str | None:
        return "\n".join(reason_line(r, self.lang) for r in row.reasons) or None

    def background(self, row: CaseEligibility) -> QColor | None:
        return STATUS_COLOURS.get(row.status)


def _badges(row: RouteRow, lang: str) -> str:
    stop, parts = row.stop, []
    if stop.pinned:
        parts.append(translate("plan_ui.badge.pinned", lang))
    if stop.status is Eligibility.NEEDS_APPROVAL:
        parts.append(translate("plan_ui.badge.approval", lang))
    if any(r.severity.value == "warn" for r in stop.reasons):
        parts.append(translate("plan_ui.badge.warning", lang))
    if row.problems or stop.status is Eligibility.BLOCKED or not stop.check.fits:
        parts.append(translate("plan_ui.badge.blocked", lang))
    return " ".join(parts)


class RouteModel(TableModel[RouteRow]):
    """The route in visiting order; a drop asks for a move (``move_requested``), the screen
    decides, so every reorder goes through the undo stack and is re-checked."""

    move_requested = QtSignal(int, int)  # dragged key (see drag_key), to row (before the move)
    MIME = ROW_MIME

    COLUMNS: tuple[Column, ...] = (
        ("plan_ui.col.seq", lambda r, lang: ""),  # filled from the row number in data()
        ("plan_ui.col.case", lambda r, lang: r.stop.case_number),
        ("plan_ui.col.eta", lambda r, lang: hm(r.stop.arrive)),
        ("plan_ui.col.visit", lambda r, lang: f"{hm(r.stop.start)}–{hm(r.stop.end)}"),
        ("plan_ui.col.windows", lambda r, lang: ", ".join(map(str, r.stop.windows)) or "—"),
        (
            "plan_ui.col.travel",
            lambda r, lang: translate(
                "plan_ui.travel_minutes", lang, minutes=round(r.stop.travel_seconds_before / 60)
            ),
        ),
        ("plan_ui.col.badges", _badges),
    )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.DisplayRole:
            return str(index.row() + 1)
        return super().data(index, role)

    def case_ids(self) -> list[int]:
        return [row.stop.case_id for row in self.rows]

    def drag_key(self, row: int) -> int:
        """What a drag of ``row`` carries: its row number (the team plan's carries the case)."""
        return row

    def tooltip(self, row: RouteRow) -> str | None:
        lines = list(row.problems) + [reason_line(r, self.lang) for r in row.stop.reasons]
        return "\n".join(lines) or None

    def background(self, row: RouteRow) -> QColor | None:
        if row.problems or not row.stop.check.fits:
            return PROBLEM_COLOUR
        return STATUS_COLOURS.get(row.stop.status)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [self.MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(self.MIME, ",".join(str(self.drag_key(r)) for r in rows).encode())
        return data

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(self.MIME):
            return False
        rows = [int(r) for r in bytes(data.data(self.MIME).data()).decode().split(",") if r]
        if len(rows) != 1:
            return False
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        self.move_requested.emit(rows[0], target)
        # False: the view must not delete the dragged row itself; the screen applies the move.
        return False


def round_summary(plan: RoundPlan, lang: str) -> str:
    """A round in one line: stops, driving time and distance, out and back; proven optimal."""
    line = translate(
        "plan_ui.summary",
        lang,
        stops=len(plan.stops),
        minutes=plan.travel_seconds // 60,
        km=f"{plan.travel_meters / 1000:.1f}",
        depart=hm(plan.depart),
        back=hm(plan.return_),
    )
    return line + translate("plan_ui.optimal", lang) if plan.optimal else line


def left_out_text(left: LeftOut, lang: str) -> str:
    parts = [reason_line(r, lang) for r in left.reasons if r.severity.value == "block"]
    parts += [translate(code, lang) for code in left.route_codes]
    if not parts:
        parts = [reason_line(r, lang) for r in left.reasons]
    return "; ".join(parts) or "—"


class LeftOutModel(TableModel[LeftOut]):
    COLUMNS: tuple[Column, ...] = (
        ("plan_ui.col.case", lambda left, lang: left.case_number),
        ("plan_ui.col.reasons", left_out_text),
    )

    def tooltip(self, row: LeftOut) -> str | None:
        return "\n".join(reason_line(r, self.lang) for r in row.reasons) or None


def problem_rows(
    stops: Sequence[PlannedStop],
    problems: Sequence[Message],
    lang: str,
    template: DayTemplate | None = None,
) -> tuple[list[RouteRow], list[str]]:
    """Attach each problem of a fixed order to the stops it concerns; all problems as text.

    A problem names its visit (case id) or case; a crew-wide one goes to the stops that cause
    it: those past the crew's maximum, or those that end after the shift.
    """
    numbers = {str(s.case_id): s.case_number for s in stops}
    by_case: dict[str, list[str]] = {}
    texts = []
    for problem in problems:
        params = dict(problem.params)
        key = str(params.get("visit") or "")
        if key in numbers:
            params["visit"] = numbers[key]
        text = render(Message(problem.id, params), lang)
        texts.append(text)
        owner = key if key in numbers else _case_id_of(stops, str(params.get("case", "")))
        owners = [owner] if owner else _crew_wide(problem.id, stops, template or DayTemplate())
        for case_id in owners:
            by_case.setdefault(case_id, []).append(text)
    rows = [RouteRow(s, tuple(by_case.get(str(s.case_id), ()))) for s in stops]
    return rows, texts


def _crew_wide(kind: str, stops: Sequence[PlannedStop], template: DayTemplate) -> list[str]:
    if kind == "route.violation.max_visits":
        return [str(s.case_id) for s in stops[template.max_visits :]]
    if kind == "route.violation.shift" and stops:
        late = [
            str(s.case_id)
            for s in stops
            if s.end.timetz().replace(tzinfo=None) > template.shift_end
        ]
        return late or [str(stops[-1].case_id)]
    return []


def _case_id_of(stops: Sequence[PlannedStop], case_number: str) -> str:
    return next((str(s.case_id) for s in stops if s.case_number == case_number), "")
