"""The issue-20 screenshots (Today, route sheet, visit record, approval history; zh and en).

Run with ``FIELDVISIT_SCREENSHOTS=1``; they land in docs/screenshots/. Skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.field.checkin_panel import CheckInPanel
from fieldvisit.ui.field.today_screen import TodayScreen
from fieldvisit.ui.plan.approvals_view import ApprovalsView
from tests.ui.test_today_screen import _approved_round_for_today

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
pytestmark = pytest.mark.skipif(
    not os.environ.get("FIELDVISIT_SCREENSHOTS"), reason="set FIELDVISIT_SCREENSHOTS=1"
)


def _page(pdf: bytes, name: str, tmp: Path) -> None:
    source = tmp / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(source),
         str(OUT / name)],
        check=True,
    )  # fmt: skip


def test_workflow_screenshots(
    qtbot: QtBot,
    services: Services,
    demo_db: Database,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
    tmp_path: Path,
) -> None:
    collector = _approved_round_for_today(services, demo_db)
    day = services.clock().date()
    with demo_db.session_factory() as s:
        crew_id = min(collector.crew_ids)
        manager_id = s.scalar(select(m.User.id).where(m.User.role == "manager").limit(1))
    assert manager_id is not None
    manager = services.users.actor(manager_id)
    visit_id = 0
    for lang in ("zh", "en"):
        screen = TodayScreen(context_for(collector, lang))
        qtbot.addWidget(screen)
        screen.resize(1366, 768)
        screen.show()
        drain()
        screen.table.selectRow(0)
        screen.start_button.click()
        drain()
        panel = screen.current_panel
        assert isinstance(panel, CheckInPanel)
        if lang == "zh":
            panel.check_in_button.click()
            drain()
        qtbot.wait(200)
        screen.grab().save(str(OUT / f"today-{lang}.png"))
        if lang == "en":
            dialog = panel.dialog_factory()
            for combo, value in (
                (dialog.person, PersonMet.DEBTOR),
                (dialog.outcome, OutcomeCode.REFUSED),
                (dialog.next_action, NextAction.PHONE_CALL),
            ):
                combo.setCurrentIndex(combo.findData(value.value))
            panel.submit_check_out(dialog)
            drain()
            visit_id = screen.model.stops[0].visit_id or 0
    sheets = services.plan.sheets
    assert sheets is not None
    with demo_db.session_factory() as s:
        record_id = s.scalar(select(m.VisitRecord.id).where(m.VisitRecord.visit_id == visit_id))
    for lang in ("zh", "en"):
        _page(sheets.print_route(collector, crew_id, day, lang), f"route-sheet-{lang}", tmp_path)
        if record_id is not None:
            pdf = services.records.print_visit(manager, record_id, lang, purpose="screenshot")
            _page(pdf, f"visit-record-{lang}", tmp_path)
    # The history of a round approved, edited (approval withdrawn) and submitted again.
    rounds = services.plan.rounds
    other = next(c for c in services.plan.rounds.crews(manager) if c.crew_id != crew_id)
    with demo_db.session_factory() as s:
        member = s.scalar(select(m.CrewMember.user_id).where(m.CrewMember.crew_id == other.crew_id))
    assert member is not None
    crew = services.users.actor(member)
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest

    plan = services.plan.planning.optimise(
        crew, DayRequest(other.crew_id, day), Budget(iterations=200, seed=0)
    )
    saved = rounds.save_draft(crew, plan, None)
    rounds.submit(crew, saved.round_id)
    approved = rounds.approve(manager, saved.round_id, "例外已核实 / exceptions checked")
    rounds.save_draft(crew, plan, approved.version)
    rounds.submit(crew, saved.round_id)
    for lang in ("zh", "en"):
        view = ApprovalsView(rounds, manager, lang, context_for(manager, lang).tasks)
        qtbot.addWidget(view)
        view.resize(1366, 768)
        view.show()
        drain()
        view.select_round(saved.round_id)
        qtbot.waitUntil(lambda v=view: bool(v.history.text()), timeout=10_000)  # type: ignore[misc]
        qtbot.wait(200)
        view.grab().save(str(OUT / f"approvals-history-{lang}.png"))
