"""The id-backed case table model: model-tester clean, lazy pages, server-side sort requests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.services.cases.queries import CaseQuery, CaseRow, SortKey
from fieldvisit.services.catalog import Services
from fieldvisit.ui.cases.model import CASE_ID_ROLE, COLUMNS, PAGE_SIZE, CaseTableModel
from fieldvisit.ui.tasks import TaskRunner


def _model(
    services: Services, actor: Actor, tasks: TaskRunner, calls: list[int] | None = None
) -> CaseTableModel:
    def load(ids: Sequence[int]) -> list[CaseRow]:
        if calls is not None:
            calls.append(len(ids))
        return services.cases.rows(actor, ids)

    return CaseTableModel(load, tasks, "zh")


def test_model_passes_the_model_tester(
    qtmodeltester: ModelTester,
    services: Services,
    actor_of: Callable[[Role], Actor],
    tasks: TaskRunner,
    drain: Callable[[], None],
) -> None:
    actor = actor_of(Role.COMPLIANCE)
    model = _model(services, actor, tasks)
    model.set_ids(services.cases.ids(actor, CaseQuery()))
    drain()
    qtmodeltester.check(model)


def test_rows_arrive_a_page_at_a_time(
    services: Services,
    actor_of: Callable[[Role], Actor],
    tasks: TaskRunner,
    drain: Callable[[], None],
) -> None:
    actor = actor_of(Role.COMPLIANCE)
    calls: list[int] = []
    model = _model(services, actor, tasks, calls)
    model.set_ids(services.cases.ids(actor, CaseQuery()))
    assert model.rowCount() == 400  # every id is known at once, the scroll bar is right
    drain()
    assert calls == [PAGE_SIZE]  # only the first page was fetched
    assert model.index(0, 0).data() == "WA202600001"
    assert model.index(PAGE_SIZE * 2, 0).data() == "…"  # not loaded yet: asked for
    drain()
    assert calls == [PAGE_SIZE, PAGE_SIZE]
    assert model.index(PAGE_SIZE * 2, 0).data() == f"WA2026{PAGE_SIZE * 2 + 1:05d}"
    assert not model.is_loaded(PAGE_SIZE)


def test_the_case_id_is_known_before_the_row_is_loaded(
    services: Services, actor_of: Callable[[Role], Actor], tasks: TaskRunner
) -> None:
    model = _model(services, actor_of(Role.COMPLIANCE), tasks)
    model.set_ids([7, 3, 9])
    assert model.index(1, 0).data(CASE_ID_ROLE) == 3
    assert model.row_of(9) == 2
    assert model.row_of(99) is None


def test_sorting_asks_the_service(
    qtbot: QtBot, services: Services, actor_of: Callable[[Role], Actor], tasks: TaskRunner
) -> None:
    model = _model(services, actor_of(Role.COMPLIANCE), tasks)
    column = next(i for i, c in enumerate(COLUMNS) if c.key is SortKey.DAYS_PAST_DUE)
    with qtbot.waitSignal(model.sort_requested) as blocker:
        model.sort(column, Qt.SortOrder.DescendingOrder)
    assert blocker.args == [SortKey.DAYS_PAST_DUE, True]


def test_an_answer_for_an_older_result_is_dropped(
    services: Services,
    actor_of: Callable[[Role], Actor],
    tasks: TaskRunner,
    drain: Callable[[], None],
) -> None:
    actor = actor_of(Role.COMPLIANCE)
    model = _model(services, actor, tasks)
    model.set_ids([1, 2, 3])
    model.set_ids([4])  # before the first page answer arrives
    drain()
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "WA202600004"


def test_language_changes_headers_and_states(
    services: Services,
    actor_of: Callable[[Role], Actor],
    tasks: TaskRunner,
    drain: Callable[[], None],
) -> None:
    model = _model(services, actor_of(Role.COMPLIANCE), tasks)
    model.set_ids([1])
    drain()
    state_column = next(i for i, c in enumerate(COLUMNS) if c.key is SortKey.STATE)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "案件编号"
    chinese_state = model.index(0, state_column).data()
    model.set_language("en")
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Case no."
    assert model.index(0, state_column).data() != chinese_state
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None
