"""The Reports screen: the figures of a date range as a table, and a masked CSV export."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.records.statistics import ReportsService
from fieldvisit.services.records.visit_records import RecordsService
from fieldvisit.storage.database import Database
from fieldvisit.ui.records.records_view import RecordsView
from fieldvisit.ui.records.statistics_view import ReportsView
from fieldvisit.ui.tasks import TaskRunner
from tests.ui.test_records_screen import NOW, TODAY, _actor


def test_reports_view_shows_figures_and_exports_csv(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner, tmp_path: Path
) -> None:
    service = ReportsService(demo_db.session_factory, FixedClock(NOW))
    view = ReportsView(service, _actor(demo_db, "mgr.sh-e"), "zh", tasks, TODAY,
                       choose_path=lambda _name: tmp_path / "v.csv")  # fmt: skip
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.report_loaded, timeout=10_000):
        view.refresh_button.click()
    rows = {view.model.data(view.model.index(r, 0)): view.model.data(view.model.index(r, 1))
            for r in range(view.model.rowCount())}  # fmt: skip
    assert int(rows["外访次数"]) > 0
    assert rows["承诺兑现率"].endswith("%")
    bars = view.chart.bars()
    assert bars
    assert bars[0][1] == max(n for _label, n in bars)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    assert not view.chart.grab().isNull()
    with qtbot.waitSignal(view.csv_saved, timeout=10_000):
        view.export.click()
    assert (tmp_path / "v.csv").read_text(encoding="utf-8-sig").startswith("日期,外访员")


def test_records_and_reports_load_when_shown_without_a_button(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    """Issue 20 item 7: Records and Reports opened empty until Search or Refresh was pressed."""
    reports = ReportsView(
        ReportsService(demo_db.session_factory, FixedClock(NOW)),
        _actor(demo_db, "mgr.sh-e"), "zh", tasks, TODAY,
    )  # fmt: skip
    records = RecordsView(
        RecordsService(demo_db.session_factory, FixedClock(NOW)),
        _actor(demo_db, "compliance"), "zh", tasks, TODAY,
    )  # fmt: skip
    for view in (reports, records):
        qtbot.addWidget(view)
    assert (reports.model.rowCount(), records.model.rowCount()) == (0, 0)  # nothing before shown
    with qtbot.waitSignal(reports.report_loaded, timeout=10_000):
        reports.show()
    records.show()
    qtbot.waitUntil(lambda: records.model.rowCount() > 0, timeout=10_000)
