"""The Cases screen on demo data: search, filters, sort, detail pane, masking and team scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import CaseState, Role
from fieldvisit.services.cases.queries import SortKey
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.cases.model import COLUMNS
from fieldvisit.ui.cases.view import CasesScreen
from fieldvisit.ui.context import ScreenContext

ScreenFor = Callable[[Role], CasesScreen]


@pytest.fixture
def screen_for(
    qtbot: QtBot,
    actor_of: Callable[[Role], Actor],
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> ScreenFor:
    def make(role: Role) -> CasesScreen:
        screen = CasesScreen(context_for(actor_of(role), "zh"))
        qtbot.addWidget(screen)
        screen.resize(1200, 700)
        screen.show()
        drain()
        return screen

    return make


def _column(key: SortKey) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key is key)


def _texts(screen: CasesScreen, key: SortKey, drain: Callable[[], None]) -> list[str]:
    model = screen.model
    for row in range(0, model.rowCount(), 50):
        model.index(row, 0).data()  # asks for the row's page
    drain()  # rows beyond the first page were requested by the reads above
    return [model.index(r, _column(key)).data() for r in range(model.rowCount())]


def test_search_finds_a_case_by_number(
    screen_for: ScreenFor, drain: Callable[[], None], qtbot: QtBot
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    with qtbot.waitSignal(screen.results_shown, timeout=5000) as blocker:
        screen.filters.search.setText("wa202600042")
    drain()
    assert blocker.args == [1]
    assert screen.model.index(0, 0).data() == "WA202600042"


def test_search_by_debtor_name(
    screen_for: ScreenFor, drain: Callable[[], None], qtbot: QtBot
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    name = screen.model.index(0, _column(SortKey.DEBTOR)).data()
    with qtbot.waitSignal(screen.results_shown, timeout=5000):
        screen.filters.search.setText(name)
    drain()
    names = _texts(screen, SortKey.DEBTOR, drain)
    assert names
    assert all(name in n for n in names)


def test_filters_by_state_and_location(screen_for: ScreenFor, drain: Callable[[], None]) -> None:
    screen = screen_for(Role.COMPLIANCE)
    filters = screen.filters
    filters.state.setCurrentIndex(filters.state.findData(CaseState.BANKRUPTCY.value))
    drain()
    states = set(_texts(screen, SortKey.STATE, drain))
    assert states == {"破产"}
    filters.state.setCurrentIndex(0)
    filters.location.setCurrentIndex(filters.location.findData(0))
    drain()
    assert 0 < screen.model.rowCount() < 30
    assert screen.current_query().has_location is False


def test_filters_by_team_and_days_past_due(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    filters = screen.filters
    filters.team.setCurrentIndex(1)
    drain()
    team = filters.team.currentText()
    assert set(_texts(screen, SortKey.TEAM, drain)) == {team}
    assert filters.crew.count() == 3  # "all crews" and the team's two crews
    filters.dpd.setCurrentIndex(filters.dpd.findData("31-60"))
    drain()
    days = [int(d) for d in _texts(screen, SortKey.DAYS_PAST_DUE, drain)]
    assert days
    assert all(31 <= d <= 60 for d in days)


def test_sorting_by_clicking_the_header_is_done_by_the_database(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    screen.table.sortByColumn(
        _column(SortKey.DAYS_PAST_DUE),
        screen.table.horizontalHeader().sortIndicatorOrder().DescendingOrder,
    )
    drain()
    days = [int(d) for d in _texts(screen, SortKey.DAYS_PAST_DUE, drain)]
    assert len(days) == 400
    assert days == sorted(days, reverse=True)


def test_detail_pane_shows_the_selected_case_masked(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.COLLECTOR)
    screen.table.selectRow(0)
    drain()
    detail = screen.detail.detail()
    assert detail is not None
    assert detail.masked
    assert screen.detail.values["case_number"].text() == screen.model.index(0, 0).data()
    assert "****" in screen.detail.values["phone"].text()
    assert "*" in screen.detail.values["id_number"].text()
    assert screen.detail.contacts.rowCount() == len(detail.contacts) > 0
    assert screen.detail.addresses.rowCount() == len(detail.addresses)
    assert screen.detail.reveal_button.isHidden()  # a collector may not open full data


def test_a_manager_opens_full_details_and_the_access_is_logged(
    screen_for: ScreenFor, drain: Callable[[], None], demo_db: Database
) -> None:
    screen = screen_for(Role.MANAGER)
    screen.ask_purpose = lambda: "外访准备"
    screen.table.selectRow(0)
    drain()
    assert not screen.detail.reveal_button.isHidden()
    masked_phone = screen.detail.values["phone"].text()
    screen.detail.reveal_button.click()
    drain()
    detail = screen.detail.detail()
    assert detail is not None
    assert not detail.masked
    assert screen.detail.values["phone"].text() != masked_phone
    assert "*" not in screen.detail.values["phone"].text()
    with demo_db.session_factory() as session:
        logged = session.scalars(select(m.AccessLog)).all()
    assert [(e.debtor_id, e.purpose) for e in logged] == [(detail.debtor_id, "外访准备")]


def test_a_collector_sees_only_the_own_team(
    screen_for: ScreenFor, drain: Callable[[], None], actor_of: Callable[[Role], Actor]
) -> None:
    screen = screen_for(Role.COLLECTOR)
    assert 0 < screen.model.rowCount() < 400
    teams = set(_texts(screen, SortKey.TEAM, drain))
    assert len(teams) == 1
    assert screen.filters.team.count() == 2  # "all teams" and the own team


def test_language_switch_keeps_filters_and_selection(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    filters = screen.filters
    filters.state.setCurrentIndex(filters.state.findData(CaseState.ACTIVE.value))
    drain()
    screen.table.selectRow(3)
    drain()
    selected = screen.detail.detail()
    zh_label = screen.count_label.text()
    screen.retranslate("en")
    drain()
    assert filters.state.currentData() == CaseState.ACTIVE.value
    assert filters.state.currentText() == "Active"
    assert screen.table.selectionModel().selectedRows()[0].row() == 3
    assert screen.detail.detail() == selected
    assert screen.count_label.text() != zh_label
    assert screen.detail.labels["phone"].text() == "Phone"


def test_eligible_on_a_date_asks_the_compliance_engine(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.COMPLIANCE)
    filters = screen.filters
    assert not filters.eligible.isHidden()  # the engine is wired in build_services
    filters.eligible_date.setDate(QDate(2026, 12, 1))
    filters.eligible.setChecked(True)
    drain()
    assert 0 < screen.model.rowCount() < 400
    states = set(_texts(screen, SortKey.STATE, drain))
    assert "破产" not in states  # a blocked state is never eligible


def test_the_rules_tab_explains_the_selected_case_for_the_chosen_date(
    screen_for: ScreenFor, drain: Callable[[], None]
) -> None:
    screen = screen_for(Role.MANAGER)
    rows = screen.model.rowCount()
    states = [screen.model.index(r, 2).data() for r in range(min(rows, 100))]
    row = next(r for r, state in enumerate(states) if state != "正常")
    screen.table.selectRow(row)
    drain()
    view = screen.detail.eligibility
    assert "2026-12-01" in view.summary.text()
    assert "禁止" in view.summary.text() or "需审批" in view.summary.text()
    rules = [view.reasons.item(r, 0).text() for r in range(view.reasons.rowCount())]
    assert any(rule.startswith("CN.state.") for rule in rules)
    sources = [view.reasons.item(r, 3).text() for r in range(view.reasons.rowCount())]
    assert all(sources)
