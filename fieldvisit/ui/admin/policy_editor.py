"""The policy editor: each rule profile as a table with sources, and a team's stricter policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTime
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.planning.policy import (
    PolicyEditor,
    PolicyVersion,
    ProfileView,
    RuleRow,
    TeamPolicy,
    check_settings,
)
from fieldvisit.ui.tasks import TaskRunner

ModelIndex = QModelIndex | QPersistentModelIndex
#: Integer policy settings in form order; -1 in a spin box means "as the profile says".
NUMBER_KEYS = ("min_gap_days", "max_per_day", "max_per_30_days", "min_collectors")


class ProfileRulesModel(QAbstractTableModel):
    """One row per rule or case state of a profile; columns declared as data."""

    COLUMNS: tuple[tuple[str, Callable[[Any, str], str]], ...] = (
        ("policy.ui.col.id", lambda row, lang: row.rule_id),
        (
            "policy.ui.col.severity",
            lambda row, lang: _t(f"compliance.severity.{row.severity}", lang),
        ),
        ("policy.ui.col.value", lambda row, lang: _value(row, lang)),
        ("policy.ui.col.source", lambda row, lang: row.source.text(lang)),
    )

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._rows: tuple[Any, ...] = ()

    def set_profile(self, view: ProfileView | None) -> None:
        self.beginResetModel()
        self._rows = () if view is None else view.rules
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self.COLUMNS[index.column()][1](self._rows[index.row()], self._lang)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _t(self.COLUMNS[section][0], self._lang)
        return None


def _value(row: RuleRow, lang: str) -> str:
    """The rule's numbers, then how case flags change its severity (``flag: approve``)."""
    flags = [f"{f}: {_t(f'compliance.severity.{sev}', lang)}" for f, sev in row.flags.items()]
    return ", ".join(part for part in (row.value, *flags) if part)


def _t(key: str, lang: str, **params: Any) -> str:
    return translate(key, lang, **params)


class PolicyEditorWidget(QWidget):
    """View profiles; compliance officers save a new policy version per team (stricter only)."""

    policy_saved = QtSignal(object)  # PolicyVersion

    def __init__(
        self,
        editor: PolicyEditor,
        actor: Actor,
        lang: str,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._editor, self._actor, self._lang, self._tasks = editor, actor, lang, tasks
        self._profiles: dict[str, ProfileView] = {}
        self._teams: dict[int, TeamPolicy] = {}
        self._build()
        self._tasks.submit(lambda _p: (editor.profiles(), editor.teams(actor)), self._on_loaded)

    def _build(self) -> None:
        self.team = QComboBox(self)
        self.profile = QComboBox(self)
        for combo in (self.team, self.profile):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.current = QLabel(self)
        self.model = ProfileRulesModel(self._lang, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.use_window = QCheckBox(self)
        self.window_start, self.window_end = QTimeEdit(self), QTimeEdit(self)
        for edit in (self.window_start, self.window_end):
            edit.setDisplayFormat("HH:mm")
        self.numbers = {key: self._spin() for key in NUMBER_KEYS}
        self.effective = QDateEdit(self)
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.effective.setDate(QDate.currentDate().addDays(1))
        self.reason = QLineEdit(self)
        self.save = QPushButton(self)
        self.save.setEnabled(allows(self._actor, Permission.EDIT_POLICY))
        self.problems = {key: self._problem_label() for key in ("contact_window", *NUMBER_KEYS)}
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self._lay_out()
        self._connect()
        self.retranslate(self._lang)

    def _spin(self) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(-1, 365)
        spin.setValue(-1)
        return spin

    def _problem_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setStyleSheet("color: #b00020;")
        label.hide()
        return label

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        self.team_label, self.profile_label = QLabel(self), QLabel(self)
        for widget in (self.team_label, self.team, self.profile_label, self.profile):
            top.addWidget(widget)
        top.addStretch(1)
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        window = QHBoxLayout()
        for part in (self.use_window, self.window_start, self.window_end):
            window.addWidget(part)
        self._row(form, "contact_window", window)
        for key, spin in self.numbers.items():
            self._row(form, key, spin)
        self.labels["effective"], self.labels["reason"] = QLabel(self), QLabel(self)
        form.addRow(self.labels["effective"], self.effective)
        form.addRow(self.labels["reason"], self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.save)
        layout.addWidget(self.status)

    def _row(self, form: QFormLayout, key: str, field: QWidget | QHBoxLayout) -> None:
        self.labels[key] = QLabel(self)
        box = QVBoxLayout()
        if isinstance(field, QWidget):
            box.addWidget(field)
        else:
            box.addLayout(field)
        box.addWidget(self.problems[key])
        form.addRow(self.labels[key], box)

    def _connect(self) -> None:
        self.team.currentIndexChanged.connect(self._on_team_changed)
        self.profile.currentIndexChanged.connect(self._on_profile_changed)
        self.use_window.toggled.connect(self._on_field_changed)
        self.window_start.timeChanged.connect(self._on_field_changed)
        self.window_end.timeChanged.connect(self._on_field_changed)
        for spin in self.numbers.values():
            spin.valueChanged.connect(self._on_field_changed)
        self.save.clicked.connect(self._on_save_clicked)

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.team_label.setText(_t("policy.ui.team", lang))
        self.profile_label.setText(_t("policy.ui.profile", lang))
        self.use_window.setText(_t("policy.ui.use_window", lang))
        self.labels["contact_window"].setText(_t("policy.ui.contact_window", lang))
        for key, spin in self.numbers.items():
            self.labels[key].setText(_t(f"compliance.rule.{key}", lang))
            spin.setSpecialValueText(_t("policy.ui.unset", lang))
        self.labels["effective"].setText(_t("policy.ui.effective_from", lang))
        self.labels["reason"].setText(_t("policy.ui.reason", lang))
        self.save.setText(_t("policy.ui.save", lang))
        self.setWindowTitle(_t("policy.ui.title", lang))

    # --- loading -----------------------------------------------------------------------------

    def _on_loaded(self, loaded: tuple[tuple[ProfileView, ...], tuple[TeamPolicy, ...]]) -> None:
        profiles, teams = loaded
        self._profiles = {p.id: p for p in profiles}
        self._teams = {t.team_id: t for t in teams}
        self.profile.blockSignals(True)
        for view in profiles:
            self.profile.addItem(
                f"{view.id} · {view.name.text(self._lang)} ({view.version})", view.id
            )
        self.profile.blockSignals(False)
        for team in teams:
            self.team.addItem(team.name, team.team_id)
        if not teams:
            self._show_profile()

    def _on_team_changed(self) -> None:
        team = self._teams.get(self.team.currentData())
        if team is not None:
            self.profile.setCurrentIndex(max(0, self.profile.findData(team.default_profile)))
            self._refresh_team()

    def _on_profile_changed(self) -> None:
        self._show_profile()
        self._refresh_team()

    def _show_profile(self) -> None:
        self.model.set_profile(self._profiles.get(self.profile.currentData()))

    def _refresh_team(self) -> None:
        team_id, profile = self.team.currentData(), self.profile.currentData()
        if team_id is None or profile is None:
            return
        self._show_profile()
        editor, actor = self._editor, self._actor
        self._tasks.submit(lambda _p: editor.team(actor, team_id, profile), self._on_team_loaded)

    def _on_team_loaded(self, team: TeamPolicy) -> None:
        self._teams[team.team_id] = team
        latest = team.versions[0] if team.versions else None
        if team.in_force is None:
            self.current.setText(_t("policy.ui.none", self._lang))
        else:
            shown = next(v for v in team.versions if v.version == team.in_force)
            self.current.setText(
                _t(
                    "policy.ui.current",
                    self._lang,
                    version=shown.version,
                    date=shown.effective_from,
                )
            )
        self._fill(latest.settings if latest is not None else {})

    def _fill(self, settings: dict[str, Any] | Any) -> None:
        window = settings.get("contact_window")
        self.use_window.setChecked(window is not None)
        if window is not None:
            self.window_start.setTime(QTime.fromString(window["start"], "HH:mm"))
            self.window_end.setTime(QTime.fromString(window["end"], "HH:mm"))
        for key, spin in self.numbers.items():
            spin.setValue(int(settings.get(key, -1)))
        self._on_field_changed()

    # --- editing -----------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The policy the form describes (only the settings that are set)."""
        out: dict[str, Any] = {k: s.value() for k, s in self.numbers.items() if s.value() >= 0}
        if self.use_window.isChecked():
            start, end = self.window_start.time(), self.window_end.time()
            out["contact_window"] = {"start": start.toString("HH:mm"), "end": end.toString("HH:mm")}
        return out

    def _on_field_changed(self) -> None:
        self.window_start.setEnabled(self.use_window.isChecked())
        self.window_end.setEnabled(self.use_window.isChecked())
        profile = self.profile.currentData()
        problems = (
            {}
            if profile is None
            else {p.key: p.message for p in check_settings(profile, self.settings())}
        )
        for key, label in self.problems.items():
            message = problems.get(key)
            label.setText("" if message is None else render(message, self._lang))
            label.setVisible(message is not None)
        self.save.setEnabled(allows(self._actor, Permission.EDIT_POLICY) and not problems)

    def _on_save_clicked(self) -> None:
        team_id, profile = self.team.currentData(), self.profile.currentData()
        day = self.effective.date()
        effective = date(day.year(), day.month(), day.day())
        settings, reason = self.settings(), self.reason.text()
        editor, actor = self._editor, self._actor

        def work(_progress: object) -> PolicyVersion | FieldVisitError:
            # A refusal is an answer to show next to the field, not an unexpected error.
            try:
                return editor.save(actor, team_id, profile, settings, effective, reason)
            except FieldVisitError as exc:
                return exc

        self.status.clear()
        self._tasks.submit(work, self._on_saved)

    def _on_saved(self, saved: PolicyVersion | FieldVisitError) -> None:
        if isinstance(saved, FieldVisitError):
            self._show_refusal(saved)
            return
        self.status.setText(
            _t(
                "policy.ui.saved",
                self._lang,
                profile=saved.profile,
                version=saved.version,
                date=saved.effective_from,
            )
        )
        self.reason.clear()
        self.policy_saved.emit(saved)
        self._refresh_team()

    def _show_refusal(self, error: FieldVisitError) -> None:
        text = render(error.message, self._lang)
        target = self.problems.get(str(error.params.get("key")))
        if target is not None:
            target.setText(text)
            target.show()
        self.status.setText(text)
