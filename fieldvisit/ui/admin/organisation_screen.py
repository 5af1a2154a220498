"""The Organisation screen: teams, crews, people and creditors, for administrators; a manager
sees and changes the crews of their own team. The same service and rules as ``fieldvisit org``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QInputDialog,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.domain.access import Permission, allows
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.organisation import (
    FieldError,
    known_zones,
    parse_creditor,
    parse_crew,
    parse_person,
    parse_team,
)
from fieldvisit.i18n import LANGUAGES, render, translate
from fieldvisit.services.admin.org_store import Mode
from fieldvisit.services.admin.org_text import (
    creditor_fields,
    crew_fields,
    person_fields,
    team_fields,
)
from fieldvisit.services.admin.organisation import (
    Entry,
    OrgBatch,
    OrgProblem,
    OrgRejected,
    OrgResult,
)
from fieldvisit.ui.admin.base_dialog import BaseDialog
from fieldvisit.ui.admin.org_tab import FieldSpec, RecordTab
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.maps.case_map import MapPoint

# Every zone the system knows, after a blank: a new team's zone is chosen, never pre-filled.
ZONES = ("", *sorted(known_zones()))
_F = FieldSpec
CREW_FIELDS = (
    _F("team", key=True), _F("name", key=True), _F("members"),
    _F("base_lat", in_table=False), _F("base_lon", in_table=False), _F("base_address"),
    _F("shift_start"), _F("shift_end"), _F("break_earliest", in_table=False),
    _F("break_latest", in_table=False), _F("break_minutes", in_table=False), _F("max_visits"),
    _F("speed_kmh", in_table=False),
)  # fmt: skip


def _searchable(box: QLineEdit | QComboBox) -> None:
    """Typing any part of a zone ("york") lists the zones that contain it, in a pop-up."""
    completer = box.completer() if isinstance(box, QComboBox) else None
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)


class OrganisationScreen(QWidget):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._org = context.services.org
        actor, lang = context.actor, context.lang
        self.tabs = QTabWidget(self)
        self.admin = allows(actor, Permission.MANAGE_USERS)
        self.teams = RecordTab(
            (_F("code", key=True), _F("name"), _F("profile", choices=self._org.profiles()),
             _F("timezone", choices=ZONES), _F("holiday_region")), lang, self)  # fmt: skip
        _searchable(self.teams.inputs["timezone"])
        self.crews = RecordTab(CREW_FIELDS, lang, self)
        roles = tuple(r.value for r in Role)
        self.people = RecordTab(
            (_F("username", key=True), _F("display_name"), _F("role", choices=roles),
             _F("team"), _F("crew"), _F("phone"), _F("language", choices=("", *LANGUAGES)),
             _F("active", in_form=False)), lang, self)  # fmt: skip
        self.creditors = RecordTab((_F("code", key=True), _F("name"), _F("currency")), lang, self)
        self._tabs: dict[str, RecordTab] = {}
        for key, tab in (("teams", self.teams), ("crews", self.crews), ("people", self.people),
                         ("creditors", self.creditors)):  # fmt: skip
            if key == "crews" or self.admin:
                self._tabs[key] = tab
                self.tabs.addTab(tab, translate(f"org.ui.tab.{key}", lang))
                tab.save_requested.connect(self._saver(key))
            else:
                tab.hide()
        if self.admin:
            self._person_actions(lang)
        self.pick_base = self.crews.add_action(translate("org.ui.base.pick", lang), self._pick_base)
        self.base_dialog_factory: Callable[[str, tuple[float, float] | None], BaseDialog] = (
            self._base_dialog
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.refresh()

    def _person_actions(self, lang: str) -> None:
        people = self._context.services.people
        for key, act in (("reset_password", None), ("unlock", people.unlock),
                         ("clear_pin", people.clear_duress_pin),
                         ("deactivate", None), ("reactivate", people.reactivate)):  # fmt: skip
            self.people.add_action(translate(f"org.ui.person.{key}", lang), self._person(key, act))

    def _person(self, key: str, act: Callable[..., None] | None) -> Callable[[], None]:
        def run() -> None:
            row = self.people.selected()
            if row is None:
                self.people.show_message(translate("org.ui.select_person", self._context.lang),
                                         error=True)  # fmt: skip
                return
            services, actor, name = self._context.services, self._context.actor, row["username"]
            if key == "reset_password":
                password = self._ask_password(name)
                if password is None:
                    return

                def work() -> None:
                    services.user_admin.set_password(actor, services.users.user_id(name), password)
            elif key == "deactivate":

                def work() -> None:
                    services.user_admin.deactivate(actor, services.users.user_id(name))
            else:
                assert act is not None

                def work() -> None:
                    act(actor, name)

            done = translate(f"org.ui.person.done.{key}", self._context.lang, username=name)
            self._submit(self.people, work, done)

        return run

    def _base_dialog(self, crew: str, base: tuple[float, float] | None) -> BaseDialog:
        # The team's other bases, so the new one can be placed relative to them.
        others = [
            MapPoint(float(row["base_lat"]), float(row["base_lon"]), row["name"], False)
            for row in self.crews.model.rows
            if row.get("base_lat") and row.get("base_lon") and row.get("name") != crew
        ]
        return BaseDialog(crew, base, others, self._context.lang, self)

    def _pick_base(self) -> None:
        """Click the map to set the crew's base; the form keeps it until Save."""
        values = self.crews.values()
        try:
            base = (float(values["base_lat"]), float(values["base_lon"]))
        except ValueError:
            base = None
        dialog = self.base_dialog_factory(values["name"], base)
        chosen = dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        if chosen is None:
            return
        for name, value in zip(("base_lat", "base_lon"), chosen, strict=True):
            widget = self.crews.inputs[name]
            if isinstance(widget, QLineEdit):
                widget.setText(f"{value:.6f}")

    def _ask_password(self, username: str) -> str | None:
        lang = self._context.lang
        text, ok = QInputDialog.getText(
            self, translate("org.ui.person.reset_password", lang),
            translate("org.ui.person.new_password", lang, username=username),
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        return text if ok and text else None

    def refresh(self) -> None:
        org, actor = self._org, self._context.actor

        def load(_progress: object) -> dict[str, list[dict[str, str]]]:
            rows = {"teams": [team_fields(t) for t in org.teams(actor)],
                    "crews": [crew_fields(c) for c in org.crews(actor)]}  # fmt: skip
            if self.admin:
                rows["people"] = [person_fields(p) for p in org.people(actor)]
                rows["creditors"] = [creditor_fields(c) for c in org.creditors(actor)]
            return rows

        self._context.tasks.submit(load, self._on_loaded)

    def _on_loaded(self, rows: Mapping[str, list[dict[str, str]]]) -> None:
        for key, tab in self._tabs.items():
            tab.set_rows(rows.get(key, []))
        codes = [t["code"] for t in rows.get("teams", [])]
        team = self.crews.inputs["team"]
        if isinstance(team, QLineEdit) and codes and not team.text():
            team.setText(codes[0])

    def _saver(self, key: str) -> Callable[[dict[str, str], bool], None]:
        def save(values: dict[str, str], editing: bool) -> None:
            org, actor = self._org, self._context.actor
            mode = Mode.EDIT if editing else Mode.ADD

            def work() -> OrgResult:
                try:
                    batch = _batch(key, values, org.profiles())
                except FieldError as error:
                    problem = OrgProblem("", 0, error.field, error.value, error.message)
                    raise OrgRejected([problem]) from None
                result = org.apply(actor, batch, mode)
                if key == "crews":
                    names = [n.strip() for n in values.get("members", "").split(",") if n.strip()]
                    result = org.set_members(actor, result.ids[0], names)
                return result

            self._submit(self._tabs[key], work, translate("org.ui.saved", self._context.lang))

        return save

    def _submit(self, tab: RecordTab, work: Callable[[], Any], done: str) -> None:
        lang = self._context.lang

        def finished(result: Any) -> None:
            lines = [done]
            if isinstance(result, OrgResult):
                lines += [render(w, lang) for w in result.warnings]
            tab.show_message("\n".join(lines), error=False, warning=len(lines) > 1)
            self.refresh()

        def failed(error: BaseException) -> None:
            if isinstance(error, OrgRejected):
                tab.show_message("\n".join(_problem(p, lang) for p in error.problems), error=True)
            elif isinstance(error, FieldVisitError):
                tab.show_message(render(error.message, lang), error=True)
            else:
                self._context.errors.report(error)

        self._context.tasks.submit(lambda _p: work(), finished, failed)


def _problem(problem: OrgProblem, lang: str) -> str:
    field = translate(f"org.ui.field.{problem.field}", lang)
    return f"{field}: {render(problem.message, lang)}"


def _batch(key: str, values: dict[str, str], profiles: tuple[str, ...]) -> OrgBatch:
    if key == "teams":
        return OrgBatch(teams=[Entry(parse_team(values, profiles))])
    if key == "crews":
        return OrgBatch(crews=[Entry(parse_crew(values))])
    if key == "people":
        return OrgBatch(people=[Entry(parse_person(values))])
    return OrgBatch(creditors=[Entry(parse_creditor(values))])
