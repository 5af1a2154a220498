"""Recording a debtor's declaration from the case detail: saved with source and date, or refused
with the field named and nothing saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.services.admin.org_files import org_batch
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.cases.declaration_dialog import DeclarationDialog

EXAMPLES = Path(__file__).parents[2] / "examples" / "onboarding"
CLOCK = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def set_up(db: Database) -> tuple[Services, Actor, int]:
    services = build_services(db, AuditLog(b"k" * 32, CLOCK), CLOCK)
    admin = services.users.actor(services.user_admin.bootstrap_admin("root", "Root", "pass-1234"))
    batch, unread = org_batch(EXAMPLES / "org.csv")
    assert unread == []
    services.org.apply(admin, batch)
    request = ImportRequest(ImportKind.CASES, "cases.csv", "ACME")
    report, _table = services.imports.run_file(EXAMPLES / "cases.csv", request)
    assert report.committed
    collector = services.users.actor(services.users.user_id("zhang"))
    with db.session_factory() as s:
        case_id = s.scalar(select(m.Case.id).where(m.Case.case_number == "ACME-0001"))
    assert case_id is not None
    return services, collector, case_id


def _dialog(
    qtbot: QtBot, set_up: tuple[Services, Actor, int], values: dict[str, str]
) -> DeclarationDialog:
    services, actor, case_id = set_up
    dialog = DeclarationDialog(services.declarations, actor, case_id, "en", date(2026, 12, 1),
                               source="visit")  # fmt: skip
    qtbot.addWidget(dialog)
    for name, text in values.items():
        widget = dialog.inputs[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentText(text)
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(text)
    dialog.buttons.accepted.emit()
    return dialog


def _declared(db: Database) -> list[tuple[str, str, str | None]]:
    with db.session_factory() as s:
        rows = s.scalars(select(m.Availability)).all()
        return [(a.kind, a.source, a.declared_on.isoformat() if a.declared_on else None)
                for a in rows]  # fmt: skip


def test_do_not_come_before_ten_from_the_doorstep(
    qtbot: QtBot, set_up: tuple[Services, Actor, int], db: Database
) -> None:
    dialog = _dialog(qtbot, set_up, {"kind": "blackout", "start": "00:00", "end": "10:00",
                                     "place": "home", "note": "不要 10 点前来"})  # fmt: skip
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()
    assert _declared(db) == [("blackout", "visit", "2026-12-01")]
    services, actor, case_id = set_up
    verdict = services.eligibility.for_case(actor, case_id, date(2026, 12, 8))
    assert str(verdict.intervals[0]).startswith("10:00")


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"kind": "blackout", "start": "10:00", "end": "09:00"}, "Until: must be later than start"),
        ({"kind": "window", "start": "14:00", "end": "18:00", "place": "work"},
         "Place: the debtor has no address of this kind"),
        ({"kind": "blackout", "start": "08:00", "end": "10:00", "declared_on": "yesterday"},
         "Declared on: is not a date"),
    ],
)  # fmt: skip
def test_a_refusal_names_the_field_and_saves_nothing(
    qtbot: QtBot, set_up: tuple[Services, Actor, int], db: Database,
    values: dict[str, str], named: str,
) -> None:  # fmt: skip
    dialog = _dialog(qtbot, set_up, values)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.text().startswith(named)
    assert _declared(db) == []


def test_a_consent_to_after_hours_visits(
    qtbot: QtBot, set_up: tuple[Services, Actor, int], db: Database
) -> None:
    dialog = _dialog(qtbot, set_up, {"kind": "consent_after_hours", "valid_until": "2027-03-01",
                                     "note": "录音 REC-1"})  # fmt: skip
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()
    with db.session_factory() as s:
        consent = s.scalars(select(m.Consent)).one()
    assert (consent.kind, consent.evidence_ref) == ("consent_after_hours", "录音 REC-1")
