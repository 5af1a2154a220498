"""The Organisation screen's team zone: every zone the system knows, searched, none pre-filled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import available_timezones

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from fieldvisit.app.wiring import build_services
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.ui.tasks import TaskRunner
from tests.ui.test_organisation_screen import CLOCK, _screen


@pytest.fixture
def fresh(sqlite_url: str) -> Iterator[Services]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    yield build_services(db, AuditLog(b"k" * 32, CLOCK), CLOCK)
    db.dispose()


def test_the_zone_box_offers_the_systems_zones_by_any_part_and_starts_blank(
    qtbot: QtBot, fresh: Services, tasks: TaskRunner, tmp_path: Path
) -> None:
    screen = _screen(qtbot, fresh, tasks, "en", tmp_path)
    box = screen.teams.inputs["timezone"]
    assert isinstance(box, QComboBox)
    offered = {box.itemText(i) for i in range(box.count())}
    assert offered == {"", *available_timezones()}
    screen.teams.clear_form()
    assert box.currentText() == ""  # a new team's zone is chosen, never a default
    completer = box.completer()
    assert completer is not None
    completer.setCompletionPrefix("york")
    found = {
        completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())
    }
    assert "America/New_York" in found
    assert "Asia/Shanghai" not in found
