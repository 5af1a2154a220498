"""Plan → submit → approve as another user → print; refusals and withdrawals shown in place."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.i18n import rule_name
from fieldvisit.routing.budget import Budget
from fieldvisit.services.planning.day import DayRequest
from fieldvisit.services.planning.eligibility_model import Eligibility
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.plan.approvals_view import ApprovalsView
from fieldvisit.ui.plan.screen import PlanScreen
from fieldvisit.ui.tasks import TaskRunner
from tests.ui.test_plan_screen import DAY, open_screen, optimise, people, plan_services, settle


def approvals(qtbot: QtBot, db: Database, tasks: TaskRunner, actor: Actor) -> ApprovalsView:
    view = ApprovalsView(plan_services(db).rounds, actor, "zh", tasks)
    qtbot.addWidget(view)
    settle(qtbot, tasks)
    return view


def submitted_round(qtbot: QtBot, screen: PlanScreen, tasks: TaskRunner) -> int:
    optimise(qtbot, screen)
    with qtbot.waitSignal(screen.round_submitted, timeout=10_000) as done:
        screen.commands["submit"].trigger()
    settle(qtbot, tasks)
    assert screen.message.text().endswith(f"已提交审批（路线 {done.args[0].round_id}）。")
    return int(done.args[0].round_id)


def decide(
    qtbot: QtBot, view: ApprovalsView, tasks: TaskRunner, round_id: int, reason: str
) -> None:
    view.select_round(round_id)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.round_id == round_id)
    view.reason.setText(reason)
    view.approve_button.click()
    settle(qtbot, tasks)


def test_plan_edit_submit_approve_and_print(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    demo_db: Database,
    tasks: TaskRunner,
    tmp_path: Path,
) -> None:
    who = people(demo_db)
    screen = open_screen(qtbot, demo_db, tasks)
    optimise(qtbot, screen)
    # A hand edit that breaks a rule shows inline; undo takes it back.
    extra = next(
        c
        for c in screen.candidates_model.rows
        if c.status is Eligibility.ELIGIBLE and c.case_id not in screen.state.order
    )
    screen.edit("plan_ui.cmd.add", screen.state.add(extra.case_id, at=0), extra.case_number)
    settle(qtbot, tasks)
    assert screen.route_model.rows[0].stop.case_id == extra.case_id
    assert "违规" in screen.route_model.index(screen.route_model.rowCount() - 1, 6).data()
    assert screen.problems.property("bad")
    screen.commands["undo"].trigger()
    settle(qtbot, tasks)
    assert not screen.problems.property("bad")
    with qtbot.waitSignal(screen.round_saved, timeout=10_000):
        screen.commands["save"].trigger()
    round_id = submitted_round(qtbot, screen, tasks)

    view = approvals(qtbot, demo_db, tasks, who.manager)
    assert round_id in [r.round_id for r in view.queue_model.rows]
    qtmodeltester.check(view.queue_model)
    decide(qtbot, view, tasks, round_id, "")
    assert view.message.text() == "请填写审批或驳回的理由。"
    view.select_round(round_id)
    qtbot.waitUntil(lambda: view.detail is not None)
    assert view.detail is not None
    needing = [s for s in view.detail.stops if s.status == "needs_approval"]
    assert len(view.detail.exceptions) == len(needing)
    if view.exceptions_model.rowCount():
        qtmodeltester.check(view.exceptions_model)
        first = view.exceptions_model.rows[0]
        assert view.exceptions_model.index(0, 3).data() == rule_name(first.exception.rule, "zh")
        assert "." not in view.exceptions_model.index(0, 3).data()  # a name, not a rule code
        assert view.exceptions_model.index(0, 6).data() == first.exception.source.zh
    with qtbot.waitSignal(view.decided, timeout=10_000) as decided:
        decide(qtbot, view, tasks, round_id, "例外已核实")
    assert decided.args[0].status is RoundStatus.APPROVED
    assert view.message.text() == f"路线 {round_id} 已批准。"
    assert round_id not in [r.round_id for r in view.queue_model.rows]

    out = tmp_path / "route.pdf"
    with qtbot.waitSignal(screen.sheet_printed, timeout=20_000):
        screen.print_to(out)
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "外访路线单" in text
    assert who.manager.display_name in text  # the approver
    assert "例外已核实" in text


def test_a_crew_member_is_refused_and_the_message_shown(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    who = people(demo_db)
    screen = open_screen(qtbot, demo_db, tasks)
    round_id = submitted_round(qtbot, screen, tasks)
    view = approvals(qtbot, demo_db, tasks, who.manager)
    # The manager joins the crew after the queue was loaded: the service still refuses.
    with demo_db.session_factory.begin() as s:
        s.add(m.CrewMember(crew_id=who.crew_id, user_id=who.manager.user_id))
    decide(qtbot, view, tasks, round_id, "看过了")
    assert view.message.text() == "您是该小组成员，不能审批自己小组的路线。"
    with demo_db.session_factory() as s:
        status = s.scalar(select(m.Round.status).where(m.Round.id == round_id))
    assert status == RoundStatus.SUBMITTED


def test_an_edit_after_approval_withdraws_it_and_says_so(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    who = people(demo_db)
    screen = open_screen(qtbot, demo_db, tasks)
    round_id = submitted_round(qtbot, screen, tasks)
    decide(qtbot, approvals(qtbot, demo_db, tasks, who.manager), tasks, round_id, "同意")
    screen.refresh()  # reopen the day: the saved, approved round comes back for editing
    settle(qtbot, tasks)
    assert screen.message.text() == "已审批"
    screen.route_view.setCurrentIndex(screen.route_model.index(0, 0))
    screen.commands["drop"].trigger()
    settle(qtbot, tasks)
    with qtbot.waitSignal(screen.round_saved, timeout=10_000) as saved:
        screen.commands["save"].trigger()
    assert saved.args[0].approval_withdrawn
    assert "原审批已撤回" in screen.message.text()


def test_the_decision_history_reads_as_sentences_in_chinese(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    """Issue 20 item 6: the history read "approved — ok approve", "withdrawn — round.edited"."""
    who = people(demo_db)
    services = plan_services(demo_db)
    plan = services.planning.optimise(
        who.collector, DayRequest(who.crew_id, DAY), Budget(iterations=200, seed=0)
    )
    saved = services.rounds.save_draft(who.collector, plan, None)
    services.rounds.submit(who.collector, saved.round_id)
    approved = services.rounds.approve(who.manager, saved.round_id, "例外已核实")
    services.rounds.save_draft(who.collector, plan, approved.version)  # withdraws the approval
    services.rounds.submit(who.collector, saved.round_id)
    view = approvals(qtbot, demo_db, tasks, who.manager)
    view.select_round(saved.round_id)
    qtbot.waitUntil(lambda: view.detail is not None and bool(view.history.text()))
    text = view.history.text()
    assert "审批记录（时间为 Asia/Shanghai）" in text
    assert "批准——例外已核实" in text
    assert "路线在审批后被修改" in text
    assert "round.edited" not in text
    assert "approved" not in text
