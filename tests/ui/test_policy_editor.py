"""The policy editor widget: the profile table, inline refusals, saving a stricter version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.policy import PolicyEditor
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.admin.policy_editor import PolicyEditorWidget
from fieldvisit.ui.tasks import TaskRunner

CLOCK = FixedClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    errors: list[BaseException] = []
    runner = TaskRunner(errors.append)
    yield runner
    runner.shutdown()
    assert errors == []


def _widget(
    qtbot: QtBot, db: Database, tasks: TaskRunner, role: Role, lang: str
) -> PolicyEditorWidget:
    with db.session_factory() as s:
        user = s.scalars(select(m.User).where(m.User.role == role.value).limit(1)).one()
    actor = Actor(user.id, role, user.team_id)
    editor = PolicyEditor(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    widget = PolicyEditorWidget(editor, actor, lang, tasks)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.team.count() > 0 and widget.model.rowCount() > 0)
    qtbot.waitUntil(lambda: widget.current.text() != "")
    return widget


def test_the_profile_table_shows_rules_and_sources(
    qtbot: QtBot, qtmodeltester: object, demo_db: Database, tasks: TaskRunner
) -> None:
    widget = _widget(qtbot, demo_db, tasks, Role.COMPLIANCE, "en")
    model = widget.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    night = rows["CN.night"]
    assert model.index(night, 2).data() == "08:00–22:00"
    assert "GB/T 45251" in model.index(night, 3).data()
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Source"
    assert widget.current.text().startswith("Current policy: none")


def test_a_looser_value_is_refused_inline(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    widget = _widget(qtbot, demo_db, tasks, Role.COMPLIANCE, "zh")
    widget.numbers["min_gap_days"].setValue(5)
    problem = widget.problems["min_gap_days"]
    assert problem.isVisibleTo(widget)
    assert "更宽松" in problem.text()
    assert "min_gap_days" in problem.text()
    assert not widget.save.isEnabled()
    widget.numbers["min_gap_days"].setValue(10)
    assert not problem.isVisibleTo(widget)
    assert widget.save.isEnabled()


def test_a_stricter_policy_is_saved_and_audited(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    widget = _widget(qtbot, demo_db, tasks, Role.COMPLIANCE, "en")
    widget.use_window.setChecked(True)
    widget.window_start.setTime(widget.window_start.time().fromString("09:00", "HH:mm"))
    widget.window_end.setTime(widget.window_end.time().fromString("20:00", "HH:mm"))
    widget.numbers["min_gap_days"].setValue(10)
    widget.reason.setText("complaints about early visits")
    widget.effective.setDate(QDate(2026, 12, 2))  # the service's clock says 2026-12-01
    with qtbot.waitSignal(widget.policy_saved, timeout=10_000) as saved:
        widget.save.click()
    assert saved.args[0].version == 1
    assert widget.status.text().startswith("Saved: CN policy version 1")
    with demo_db.session_factory() as s:
        policy = s.scalars(select(m.Policy)).one()
        last = s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc()).limit(1)).one()
    assert policy.settings == {
        "min_gap_days": 10,
        "contact_window": {"start": "09:00", "end": "20:00"},
    }
    assert (last.action, last.entity_id) == ("policy.saved", str(policy.id))


def test_a_refused_save_is_shown_and_changes_nothing(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    widget = _widget(qtbot, demo_db, tasks, Role.COMPLIANCE, "en")
    widget.numbers["max_per_day"].setValue(1)
    widget.reason.setText("")  # a reason is required
    widget.save.click()
    qtbot.waitUntil(lambda: "reason" in widget.status.text())
    with demo_db.session_factory() as s:
        assert s.scalars(select(m.Policy)).all() == []


def test_other_roles_may_look_but_not_save(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    widget = _widget(qtbot, demo_db, tasks, Role.MANAGER, "en")
    assert widget.team.count() == 1
    widget.numbers["min_gap_days"].setValue(10)
    assert not widget.save.isEnabled()
