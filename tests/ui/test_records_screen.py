"""The Records screen: search with filters, print a selected record and a binder to PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.admin.auth import actor_for_user
from fieldvisit.services.records.visit_records import RecordFilter, RecordsService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.records.records_model import RecordTableModel
from fieldvisit.ui.records.records_view import RecordsView
from fieldvisit.ui.tasks import TaskRunner

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def _actor(db: Database, username: str) -> Actor:
    with db.session_factory() as session:
        user = session.scalars(select(m.User).where(m.User.username == username)).one()
        return actor_for_user(session, user)


def test_the_record_model_passes_the_model_tester(
    qtmodeltester: ModelTester, demo_db: Database
) -> None:
    model = RecordTableModel("zh")
    service = RecordsService(demo_db.session_factory, FixedClock(NOW))
    model.set_rows(service.search(_actor(demo_db, "compliance"), RecordFilter())[:50])
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_search_then_print_the_selected_record_and_a_binder(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner, drain: Callable[[], None], tmp_path: Path
) -> None:
    service = RecordsService(demo_db.session_factory, FixedClock(NOW))
    paths = iter([tmp_path / "one.pdf", tmp_path / "binder.pdf"])
    view = RecordsView(service, _actor(demo_db, "compliance"), "zh", tasks, TODAY,
                       choose_path=lambda _name: next(paths))  # fmt: skip
    qtbot.addWidget(view)
    view.search.setText("WA2026")
    view.outcome.setCurrentIndex(view.outcome.findData("promise_to_pay"))
    with qtbot.waitSignal(view.records_loaded, timeout=10_000) as loaded:
        view.find_button.click()
    assert loaded.args[0] > 0
    assert view.model.data(view.model.index(0, 7)) == "承诺还款"
    view.table.selectRow(0)
    with qtbot.waitSignal(view.pdf_saved, timeout=10_000):
        view.print_visit.click()
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")
    view.start.setDate(view.end.date().addDays(-1))
    with qtbot.waitSignal(view.pdf_saved, timeout=30_000):
        view.print_binder.click()
    drain()
    assert (tmp_path / "binder.pdf").stat().st_size > 1000
