"""The check-out dialog's "Debtor declared…": recorded with the check-out, honoured next day."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.domain.enums import Role
from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet
from fieldvisit.services.field.client import FieldClient
from fieldvisit.services.field.queue import LocalQueue
from fieldvisit.services.field.status import SafetyStatus
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import SlotRequest
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.field.checkin_panel import CheckInPanel
from fieldvisit.ui.field.checkout_dialog import CheckoutDialog
from tests.services.test_safety_world import T0, World, build_world

TODAY = date(2026, 12, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def world(sqlite_url: str) -> World:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return build_world(db)


def _fill(dialog: CheckoutDialog) -> None:
    for combo, value in (
        (dialog.person, PersonMet.DEBTOR),
        (dialog.outcome, OutcomeCode.NOT_AT_THIS_TIME),
        (dialog.next_action, NextAction.REVISIT),
    ):
        combo.setCurrentIndex(combo.findData(value.value))


def _declare(dialog: CheckoutDialog, kind: DoorstepKind, start: str, end: str) -> None:
    box = dialog.doorstep
    box.setChecked(True)
    box.kind.setCurrentIndex(box.kind.findData(kind.value))
    box.start.setTime(QTime.fromString(start, "HH:mm"))
    box.end.setTime(QTime.fromString(end, "HH:mm"))


def test_nothing_is_declared_unless_the_box_is_ticked(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en")
    qtbot.addWidget(dialog)
    _fill(dialog)
    assert not dialog.doorstep.isChecked()
    assert dialog.request().declaration is None


def test_declared_times_travel_with_the_request(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en")
    qtbot.addWidget(dialog)
    _fill(dialog)
    _declare(dialog, DoorstepKind.INCONVENIENT, "09:00", "12:30")
    dialog.doorstep.weekday.setCurrentIndex(dialog.doorstep.weekday.findData(2))  # Wednesdays
    dialog.doorstep.note.setText("works nights")
    dialog._on_buttons_accepted()
    assert dialog.errors.text() == ""
    assert dialog.request().declaration == DoorstepDeclaration(
        DoorstepKind.INCONVENIENT, 2, time(9), time(12, 30), "works nights"
    )


def test_times_that_end_before_they_start_are_refused_in_words(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "zh")
    qtbot.addWidget(dialog)
    _fill(dialog)
    _declare(dialog, DoorstepKind.INCONVENIENT, "12:00", "09:00")
    dialog._on_buttons_accepted()
    assert "债务人声明：结束时间须晚于开始时间。" in dialog.errors.text()
    assert dialog.result() == 0


def test_a_refusal_of_visits_needs_no_times(qtbot: QtBot) -> None:
    dialog = CheckoutDialog(7, TODAY, "en")
    qtbot.addWidget(dialog)
    _declare(dialog, DoorstepKind.NO_VISITS_HERE, "12:00", "09:00")
    assert not dialog.doorstep.start.isEnabled()
    assert not dialog.doorstep.weekday.isEnabled()
    assert "not put a visit here again" in dialog.doorstep.hint.text()
    declared = dialog.doorstep.declaration()
    assert declared is not None
    assert (declared.weekday, declared.start, declared.end) == (None, time(0), time.max)


def test_the_panel_records_the_declaration_and_the_next_day_honours_it(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    client = FieldClient(world.deps, LocalQueue(tmp_path / "outbox.jsonl"))
    panel = CheckInPanel(
        client, SafetyStatus(world.deps), world.collector, world.start_visit(), "en", world.clock,
        zone="Asia/Shanghai",
    )  # fmt: skip
    qtbot.addWidget(panel)
    panel.check_in_button.click()
    world.clock.now = T0 + timedelta(minutes=20)
    dialog = panel.dialog_factory()
    _fill(dialog)
    _declare(dialog, DoorstepKind.INCONVENIENT, "09:00", "12:00")
    with qtbot.waitSignal(panel.checked_out, timeout=5000):
        panel.submit_check_out(dialog)
    with world.db.session_factory() as s:
        row = s.scalars(select(m.Availability)).one()
        actions = set(s.scalars(select(m.AuditEntry.action)))
    assert (row.kind, row.start_time, row.end_time) == ("blackout", time(9), time(12))
    assert {"visit.recorded", "debtor.availability_added"} <= actions
    officer = Actor(0, Role.COMPLIANCE)
    tomorrow = TODAY + timedelta(days=1)
    at_ten = datetime.combine(tomorrow, time(10), SHANGHAI)
    [slot] = EligibilityService(world.db.session_factory).slot_verdicts(
        officer, tomorrow, world.crew_id, [SlotRequest(world.case_id, at_ten)]
    )
    assert not slot.fits
    assert "CN.blackout" in [r.rule for r in slot.reasons]


@pytest.mark.skipif(
    not os.environ.get("FIELDVISIT_SCREENSHOTS"), reason="set FIELDVISIT_SCREENSHOTS=1"
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshot(qtbot: QtBot, lang: str) -> None:
    dialog = CheckoutDialog(7, TODAY, lang, case_label="WA1 · 上海市静安区某路1号")
    qtbot.addWidget(dialog)
    _fill(dialog)
    _declare(dialog, DoorstepKind.INCONVENIENT, "09:00", "12:00")
    dialog.doorstep.note.setText("上夜班" if lang == "zh" else "works night shifts")
    dialog.show()
    qtbot.waitExposed(dialog)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENSHOTS / f"checkout-declaration-{lang}.png"))
