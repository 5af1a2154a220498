"""The Import dialog: preview and mapping, validation report, background import, cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.services.importing.files import read_table
from fieldvisit.services.importing.service import ImportService
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.importing.dialog import ImportDialog
from fieldvisit.ui.tasks import TaskRunner
from tests.services.import_files import CASE_HEADERS, NOW, case_rows, write_csv
from tests.services.test_importing_cases import service

MANAGER = Actor(1, Role.MANAGER)


@pytest.fixture
def importer(sqlite_url: str) -> Iterator[ImportService]:
    database = Database.open(sqlite_url)
    migrate.upgrade(database.engine)
    with database.session_factory.begin() as session:
        session.add(
            m.User(id=1, username="mgr", display_name="主管", role="manager", created_at=NOW)
        )
    yield service(database)
    database.dispose()


@pytest.fixture
def dialog(
    qtbot: QtBot, importer: ImportService, tasks: TaskRunner, drain: Callable[[], None]
) -> ImportDialog:
    window = ImportDialog(importer, tasks, "en", MANAGER)
    qtbot.addWidget(window)
    drain()
    window.creditor_combo.setCurrentText("BANK")
    return window


def bad_file(tmp_path: Path) -> Path:
    rows = case_rows(40)
    rows[5][6] = "lots"
    return write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows, "gbk")


def test_choosing_a_file_shows_the_preview_and_the_default_mapping(
    dialog: ImportDialog, tmp_path: Path, drain: Callable[[], None]
) -> None:
    dialog.set_file(bad_file(tmp_path))
    drain()
    assert dialog.preview_model.rowCount() == 20
    assert dialog.preview_model.headerData(0, Qt.Orientation.Horizontal) == "案件编号"
    assert dialog.mapping_model.mapping()["逾期金额"] == "amount_overdue"
    assert dialog.mapping_model.index(6, 1).data() == "Amount overdue"


def test_validate_reports_row_column_value_and_fix(
    qtbot: QtBot, dialog: ImportDialog, tmp_path: Path, drain: Callable[[], None]
) -> None:
    dialog.set_file(bad_file(tmp_path))
    drain()
    qtbot.mouseClick(dialog.validate_button, Qt.MouseButton.LeftButton)
    drain()
    model = dialog.report_model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in range(3)] == ["7", "逾期金额", "lots"]
    assert "Not an amount" in model.index(0, 3).data()
    assert dialog.status.text() == "40 rows checked: 1 with errors."


def test_import_with_keep_valid_runs_in_the_background(
    qtbot: QtBot, dialog: ImportDialog, tmp_path: Path, drain: Callable[[], None]
) -> None:
    dialog.set_file(bad_file(tmp_path))
    drain()
    dialog.keep_valid.setChecked(True)
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as signal:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    drain()
    report = signal.args[0]
    assert (report.counts.created, report.rejected) == (39, 1)
    assert dialog.status.text().startswith("Imported: 39 created")
    saved = tmp_path / "rejected.csv"
    assert dialog.save_errors(saved) == 1
    assert read_table(saved).rows[0][0] == "WA000006"


def test_edited_mapping_is_used_and_saved(
    qtbot: QtBot, dialog: ImportDialog, tmp_path: Path, drain: Callable[[], None]
) -> None:
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(3))
    dialog.set_file(path)
    drain()
    phone = dialog.mapping_model.index(3, 1)
    assert dialog.mapping_model.setData(phone, "")  # the user chose "(not imported)"
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as signal:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    drain()
    assert "手机号" not in signal.args[0].mapping
    dialog.set_file(path)
    drain()
    assert "手机号" not in dialog.mapping_model.mapping()  # the creditor's saved mapping


def test_models_pass_the_model_tester(
    qtmodeltester: ModelTester, dialog: ImportDialog, tmp_path: Path, drain: Callable[[], None]
) -> None:
    dialog.set_file(bad_file(tmp_path))
    drain()
    qtmodeltester.check(dialog.mapping_model)
    qtmodeltester.check(dialog.preview_model)
    dialog.validate_button.click()
    drain()
    qtmodeltester.check(dialog.report_model)


def test_cancel_leaves_nothing_imported(
    qtbot: QtBot,
    dialog: ImportDialog,
    importer: ImportService,
    tasks: TaskRunner,
    tmp_path: Path,
    drain: Callable[[], None],
) -> None:
    dialog.set_file(write_csv(tmp_path / "cases.csv", CASE_HEADERS, case_rows(5)))
    drain()
    release = threading.Event()
    tasks.submit(lambda _p: release.wait(10), lambda _r: None)  # keeps the import queued
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    drain()
    assert dialog.status.text() == "Cancelled; nothing was changed."
    assert importer.creditors() == []
