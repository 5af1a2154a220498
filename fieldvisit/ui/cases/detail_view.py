"""The detail pane of the Cases screen: one case's situation, masked unless opened in full."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.i18n import translate
from fieldvisit.services.cases.detail import AvailabilityView, CaseDetail, RiskNoteView
from fieldvisit.ui.cases.eligibility_view import CaseEligibilityView
from fieldvisit.ui.icons import icon
from fieldvisit.ui.maps.case_map import CaseMap, MapPoint

FIELDS = ("case_number", "debtor", "id_number", "phone", "state", "dpd", "amount", "team", "flags")


def _table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    return table


def _fill(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    # Short lists: size to the text; the last column (address, note) takes the rest.
    header = table.horizontalHeader()
    for column in range(len(headers)):
        last = column == len(headers) - 1
        mode = QHeaderView.ResizeMode.Stretch if last else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)


class CaseDetailPane(QWidget):
    """Shows a ``CaseDetail``; asks for the full data through ``reveal_requested`` (logged).

    Built ``stepwise``, the pane is made one page per ``build_step`` call, so a screen can spread
    it over several turns of the event loop; ``finish`` builds whatever is left.
    """

    reveal_requested = Signal(int)  # case id
    declare_requested = Signal(int)  # case id: record what the debtor declared

    def __init__(
        self,
        lang: str,
        can_reveal: bool,
        parent: QWidget | None = None,
        *,
        stepwise: bool = False,
        can_declare: bool = False,
    ) -> None:
        super().__init__(parent)
        self._lang = lang
        self._detail: CaseDetail | None = None
        self.title = QLabel(self)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.masked_badge = QLabel(self)
        self.reveal_button = QPushButton(self)
        self.reveal_button.setVisible(can_reveal)
        self.reveal_button.clicked.connect(self._on_reveal_button_clicked)
        self.declare_button = QPushButton(self)
        self.declare_button.setVisible(can_declare)
        self.declare_button.clicked.connect(self._on_declare_button_clicked)
        self.tabs = QTabWidget(self)
        self._build_header()
        self._steps: deque[Callable[[], None]] = deque(
            (
                self._build_overview,
                self._build_visits,
                self._build_money,
                self._build_rules,
                self._build_end,
            )
        )
        if not stepwise:
            self.finish()

    def steps_left(self) -> int:
        return len(self._steps)

    def build_step(self) -> None:
        """Build the next part (a tab page, or the last touches); nothing once complete."""
        if self._steps:
            self._steps.popleft()()

    def finish(self) -> None:
        while self._steps:
            self.build_step()

    def _build_header(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.masked_badge)
        header.addWidget(self.declare_button)
        header.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

    def _build_overview(self) -> None:
        self.values = {name: QLabel(self) for name in FIELDS}
        self.labels = {name: QLabel(self) for name in FIELDS}
        self.map = CaseMap(self)
        self.addresses = _table(self)
        self.risks = _table(self)
        overview = QWidget(self)
        form = QFormLayout()
        for name in FIELDS:
            self.values[name].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name].setWordWrap(True)
            form.addRow(self.labels[name], self.values[name])
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.map, 1)
        column = QVBoxLayout(overview)
        column.addLayout(top, 2)
        for table in (self.addresses, self.risks):
            table.setMinimumHeight(110)
            column.addWidget(table, 1)
        # Scrollable, so the pane (and the window) still fits a small screen.
        scroller = QScrollArea(self)
        scroller.setWidget(overview)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs.addTab(scroller, "")

    def _build_visits(self) -> None:
        self.availability = _table(self)
        self.contacts = _table(self)
        self.tabs.addTab(self.availability, "")
        self.tabs.addTab(self.contacts, "")

    def _build_money(self) -> None:
        self.promises = _table(self)
        self.payments = _table(self)
        money = QWidget(self)
        money_column = QVBoxLayout(money)
        money_column.addWidget(self.promises)
        money_column.addWidget(self.payments)
        self.tabs.addTab(money, "")

    def _build_rules(self) -> None:
        self.eligibility = CaseEligibilityView(self._lang, self)
        self.tabs.addTab(self.eligibility, "")

    def _build_end(self) -> None:
        self.reveal_button.setIcon(icon("reveal", self.palette().text().color()))
        self.retranslate(self._lang)

    def detail(self) -> CaseDetail | None:
        return self._detail

    def show_detail(self, detail: CaseDetail | None) -> None:
        self._detail = detail
        self.finish()
        self._render()

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        if self._steps:
            return  # the last step translates the whole pane
        t = self._t
        for name, label in self.labels.items():
            label.setText(t(f"ui.detail.{name}"))
        for index, key in enumerate(("overview", "availability", "contacts", "money", "rules")):
            self.tabs.setTabText(index, t(f"ui.detail.tab.{key}"))
        self.reveal_button.setText(t("ui.detail.reveal"))
        self.declare_button.setText(t("org.ui.declare.button"))
        self.reveal_button.setToolTip(t("ui.detail.reveal_hint"))
        self.map.set_empty_text(t("ui.detail.no_location"))
        self.eligibility.retranslate(lang)
        self._render()

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self._lang, **params)

    def _render(self) -> None:
        detail = self._detail
        self.setEnabled(detail is not None)
        if detail is None:
            self.title.setText(self._t("ui.detail.none"))
            self.masked_badge.clear()
            for value in self.values.values():
                value.clear()
            for table in self._tables():
                table.setRowCount(0)
            self.map.set_points([])
            self.eligibility.show_result(None, None)
            return
        self.title.setText(f"{detail.case_number}  {detail.debtor_name}")
        self.masked_badge.setText(
            self._t("ui.detail.masked" if detail.masked else "ui.detail.full")
        )
        self.reveal_button.setEnabled(detail.masked)
        self._render_overview(detail)
        self._render_lists(detail)

    def _tables(self) -> tuple[QTableWidget, ...]:
        return (
            self.addresses,
            self.risks,
            self.availability,
            self.contacts,
            self.promises,
            self.payments,
        )

    def _render_overview(self, d: CaseDetail) -> None:
        t = self._t
        state = t(f"case_state.{d.state}")
        if d.state_until is not None:
            state = t("ui.detail.state_until", state=state, until=d.state_until.isoformat())
        texts = {
            "case_number": d.case_number,
            "debtor": d.debtor_name,
            "id_number": d.id_number or "—",
            "phone": d.phone or "—",
            "state": state,
            "dpd": str(d.days_past_due),
            "amount": f"{d.currency} {d.amount_overdue:,.2f}",
            "team": " / ".join(x for x in (d.team, d.crew) if x) or "—",
            "flags": t("ui.list_sep").join(t(f"ui.flag.{f}") for f in d.flags) if d.flags else "—",
        }
        for name, text in texts.items():
            self.values[name].setText(text)
        self.map.set_points(
            [
                MapPoint(a.lat, a.lon, t(f"ui.address.{a.kind}"), a.is_primary)
                for a in d.addresses
                if a.lat is not None and a.lon is not None
            ]
        )

    def _render_lists(self, d: CaseDetail) -> None:
        t = self._t
        _fill(
            self.addresses,
            [t("ui.detail.col.kind"), t("ui.detail.col.address"), t("ui.detail.col.geocode")],
            [
                [t(f"ui.address.{a.kind}"), a.text, t(f"ui.geocode.{a.geocode_quality}")]
                for a in d.addresses
            ],
        )
        _fill(
            self.risks,
            [t("ui.detail.col.risk"), t("ui.detail.col.tier"), t("ui.detail.col.note")],
            [
                [t(f"ui.risk.{n.category}"), t(f"ui.tier.{n.risk_tier}"), self._risk_text(n)]
                for a in d.addresses
                for n in a.risk_notes
            ],
        )
        _fill(
            self.availability,
            [
                t("ui.detail.col.kind"),
                t("ui.detail.col.when"),
                t("ui.detail.col.hours"),
                t("ui.detail.col.note"),
            ],
            [self._availability_row(a) for a in d.availability],
        )
        self._render_contacts(d)
        self._render_money(d)

    def _render_contacts(self, d: CaseDetail) -> None:
        t = self._t
        _fill(
            self.contacts,
            [t("ui.detail.col.time"), t("ui.detail.col.channel"), t("ui.detail.col.reached")],
            [
                [
                    c.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    t(f"ui.channel.{c.channel}"),
                    t("ui.yes") if c.contacted else t("ui.no"),
                ]
                for c in d.contacts
            ],
        )

    def _render_money(self, d: CaseDetail) -> None:
        t = self._t
        _fill(
            self.promises,
            [t("ui.detail.col.promise_due"), t("ui.detail.col.amount"), t("ui.detail.col.status")],
            [
                [p.due_on.isoformat(), f"{p.amount:,.2f}", t(f"ui.promise.{p.status}")]
                for p in d.promises
            ],
        )
        _fill(
            self.payments,
            [t("ui.detail.col.paid_on"), t("ui.detail.col.amount"), t("ui.detail.col.method")],
            [
                [p.paid_on.isoformat(), f"{p.amount:,.2f}", t(f"ui.method.{p.method or 'other'}")]
                for p in d.payments
            ],
        )

    def _risk_text(self, note: RiskNoteView) -> str:
        extras: list[str] = []
        if note.daylight_only:
            extras.append(self._t("ui.risk.daylight_only"))
        if note.two_person:
            extras.append(self._t("ui.risk.two_person"))
        if not extras:
            return note.note
        return self._t(
            "ui.detail.risk_with", note=note.note, extras=self._t("ui.list_sep").join(extras)
        )

    def _availability_row(self, a: AvailabilityView) -> list[str]:
        t: Callable[..., str] = self._t
        if a.on_date is not None:
            when = a.on_date.isoformat()
        elif a.weekday is not None:
            when = t(f"ui.weekday.{a.weekday}")
        else:
            when = t("ui.detail.every_day")
        hours = f"{a.start:%H:%M}–{a.end:%H:%M}"
        return [t(f"ui.availability.{a.kind}"), when, hours, a.note or ""]

    def _on_reveal_button_clicked(self) -> None:
        if self._detail is not None:
            self.reveal_requested.emit(self._detail.case_id)

    def _on_declare_button_clicked(self) -> None:
        if self._detail is not None:
            self.declare_requested.emit(self._detail.case_id)
