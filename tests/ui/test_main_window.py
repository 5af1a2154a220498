"""The main window opens on demo data and its case table loads rows lazily."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldvisit.services.cases import CaseQueries
from fieldvisit.storage.database import Database
from fieldvisit.ui.cases_view import PAGE_SIZE, CaseTableModel
from fieldvisit.ui.main_window import MainWindow


def test_case_model_passes_the_model_tester(qtmodeltester: ModelTester, demo_db: Database) -> None:
    model = CaseTableModel(CaseQueries(demo_db.session_factory), "zh")
    qtmodeltester.check(model)


def test_rows_load_a_page_at_a_time(demo_db: Database) -> None:
    model = CaseTableModel(CaseQueries(demo_db.session_factory), "en")
    assert model.rowCount() == 0
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == PAGE_SIZE
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == model.total() == 400


def test_window_shows_cases_in_chinese(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(CaseQueries(demo_db.session_factory), demo_db.display_url, "zh")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "外访助手"
    assert "共 400 个案件" in window.statusBar().currentMessage()
    model = window.cases_view.model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:2] == ["案件编号", "债务人"]
    assert model.index(0, 0).data().startswith("WA2026")


def test_window_in_english(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(CaseQueries(demo_db.session_factory), demo_db.display_url, "en")
    qtbot.addWidget(window)
    assert window.windowTitle() == "FieldVisit"
    assert "400 cases" in window.statusBar().currentMessage()
