"""The search field and filters above the case table; emits ``changed`` when the user edits them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.enums import CaseState
from fieldvisit.i18n import translate
from fieldvisit.services.cases.queries import (
    DPD_BUCKETS,
    MAX_SEARCH_LENGTH,
    CaseQuery,
    FilterOptions,
    SortKey,
)

SEARCH_DELAY_MS = 250  # typing a name should not start a query per keystroke
_ANY = None


class CaseFilterBar(QWidget):
    """Builds a ``CaseQuery``; keeps its choices across a change of language."""

    changed = Signal()

    def __init__(self, lang: str, eligibility: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._options = FilterOptions((), ())
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_SEARCH_LENGTH)
        self.search.setMinimumWidth(160)
        self.team = QComboBox(self)
        self.crew = QComboBox(self)
        self.state = QComboBox(self)
        self.dpd = QComboBox(self)
        self.location = QComboBox(self)
        self.eligible = QCheckBox(self)
        self.eligible_date = QDateEdit(self)
        self.eligible_date.setCalendarPopup(True)
        self.eligible_date.setDisplayFormat("yyyy-MM-dd")  # as every other date on the screen
        self.eligible_date.setDate(QDate.currentDate())
        # The compliance engine plugs in through CaseQueries(eligibility=...); until then, hidden.
        self.eligible.setVisible(eligibility)
        self.eligible_date.setVisible(eligibility)
        self._search_label = QLabel(self)
        self._search_label.setBuddy(self.search)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._layout()
        self._connect()
        self.retranslate(lang)

    def _layout(self) -> None:
        # Two rows, so the screen still fits a small laptop display.
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(self._search_label)
        first.addWidget(self.search, 2)
        for row, combos in ((first, (self.team, self.crew)), (second, (self.state, self.dpd))):
            for combo in combos:
                self._shrinkable(combo)
                row.addWidget(combo, 1)
        self._shrinkable(self.location)
        second.addWidget(self.location, 1)
        second.addWidget(self.eligible)
        second.addWidget(self.eligible_date)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(first)
        column.addLayout(second)

    @staticmethod
    def _shrinkable(combo: QComboBox) -> None:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._on_search_text_changed)
        self._debounce.timeout.connect(self.changed.emit)
        self.team.currentIndexChanged.connect(self._on_team_current_index_changed)
        for combo in (self.crew, self.state, self.dpd, self.location):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.eligible.toggled.connect(self._on_filter_changed)
        self.eligible_date.dateChanged.connect(self._on_filter_changed)

    def set_options(self, options: FilterOptions) -> None:
        self._options = options
        self._fill_teams()

    def eligibility_day(self) -> date | None:
        """The date of the "visitable on" filter, when it is switched on."""
        if not self.eligible.isChecked():
            return None
        day = self.eligible_date.date()
        return date(day.year(), day.month(), day.day())

    def query(self, sort: SortKey, descending: bool) -> CaseQuery:
        location = self.location.currentData()
        day = self.eligible_date.date()
        return CaseQuery(
            text=self.search.text().strip(),
            team_id=self.team.currentData(),
            crew_id=self.crew.currentData(),
            state=self.state.currentData(),
            dpd_bucket=self.dpd.currentData(),
            has_location=None if location is None else bool(location),
            eligible_on=date(day.year(), day.month(), day.day())
            if not self.eligible.isHidden() and self.eligible.isChecked()
            else None,
            sort=sort,
            descending=descending,
        )

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        t = self._t
        self._search_label.setText(t("ui.cases.search"))
        self.search.setPlaceholderText(t("ui.cases.search_hint"))
        self.eligible.setText(t("ui.cases.eligible_on"))
        self._fill_teams()
        states: list[tuple[object, str]] = [(_ANY, t("ui.cases.all_states"))]
        states += [(s.value, t(f"case_state.{s.value}")) for s in CaseState]
        self._refill(self.state, states)
        buckets: list[tuple[object, str]] = [(_ANY, t("ui.cases.all_dpd"))]
        buckets += [(b, t("ui.cases.dpd_bucket", bucket=b)) for b in DPD_BUCKETS]
        self._refill(self.dpd, buckets)
        located = t("ui.cases.located")
        self._refill(
            self.location,
            [(_ANY, t("ui.cases.any_location")), (1, located), (0, t("ui.cases.not_located"))],
        )

    def _t(self, key: str, **params: object) -> str:
        return translate(key, self._lang, **params)

    def _fill_teams(self) -> None:
        teams: list[tuple[object, str]] = [(_ANY, self._t("ui.cases.all_teams"))]
        self._refill(self.team, teams + [(c.id, c.name) for c in self._options.teams])
        self._fill_crews()

    def _fill_crews(self) -> None:
        team_id = self.team.currentData()
        crews: list[tuple[object, str]] = [(_ANY, self._t("ui.cases.all_crews"))]
        crews += [
            (c.id, c.name) for c in self._options.crews if team_id is None or c.parent_id == team_id
        ]
        self._refill(self.crew, crews)

    @staticmethod
    def _refill(combo: QComboBox, items: Sequence[tuple[object, str]]) -> None:
        """Replace the items, keeping the chosen value when it is still offered."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for value, text in items:
            combo.addItem(text, value)
        found = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_team_current_index_changed(self, _index: int) -> None:
        self._fill_crews()
        self.changed.emit()

    def _on_filter_changed(self, *_args: object) -> None:
        self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
