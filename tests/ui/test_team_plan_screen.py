"""The Team plan screen end to end on the demo: optimise, move between crews, undo, hand out."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.routing.runner import solve_in_subprocess
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import PlanServices
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.team import TeamPlanningService
from fieldvisit.services.planning.team_model import HeldRound
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.plan.models import PROBLEM_COLOUR
from fieldvisit.ui.screens import screens_for
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.team_plan.screen import TeamPlanScreen, held_line

DAY = date(2026, 12, 2)
CLOCK = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
BUDGET = Budget(iterations=300, seed=0)
TEMPLATE = DayTemplate(max_visits=4)  # one stop more than that is a sure violation


def manager(db: Database) -> Actor:
    with db.session_factory() as s:
        user = s.scalar(select(m.User.id).where(m.User.role == "manager", m.User.team_id == 1))
    assert user is not None
    return UserDirectory(db.session_factory).actor(user)


def services(db: Database) -> PlanServices:
    factory = db.session_factory
    eligibility = EligibilityService(factory)
    rounds = RoundService(factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    team = TeamPlanningService(factory, eligibility, solve, rounds)
    return PlanServices(
        PlanningService(factory, eligibility, solve),
        rounds,
        eligibility,
        team=team,
        solver=solve_in_subprocess,
    )


def open_screen(
    qtbot: QtBot, db: Database, tasks: TaskRunner, budget: Budget = BUDGET, lang: str = "zh"
) -> TeamPlanScreen:
    screen = TeamPlanScreen(
        services(db), manager(db), lang, tasks, budget=budget, template=TEMPLATE, day=DAY
    )
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.crews.count() == 2, timeout=10_000)
    return screen


def optimise(qtbot: QtBot, screen: TeamPlanScreen) -> None:
    with qtbot.waitSignal(screen.optimise_ended, timeout=60_000) as ended:
        screen.commands["optimise"].trigger()
    assert ended.args == [True]


def settle(qtbot: QtBot, tasks: TaskRunner) -> None:
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=20_000)


def test_optimise_move_between_crews_undo_and_hand_out(
    qtbot: QtBot, qtmodeltester: ModelTester, demo_db: Database, tasks: TaskRunner
) -> None:
    screen = open_screen(qtbot, demo_db, tasks)
    assert sorted(screen.checked_crews()) == [1, 2]
    assert screen.unsaved_work() is None
    optimise(qtbot, screen)
    assert screen.unsaved_work() == "2026-12-02 的团队规划：尚未下发。"  # quitting asks
    first, second = screen.panels
    assert first.model.rowCount() == second.model.rowCount() == TEMPLATE.max_visits
    assert set(first.model.case_ids()).isdisjoint(second.model.case_ids())
    assert screen.left_out_model.rowCount() > 0
    lines = screen.map.lines()
    assert [len(line.stops) for line in lines] == [4, 4]
    assert lines[0].colour != lines[1].colour
    assert first.problems.text() == "按当前顺序检查：没有违规。"
    for model in (first.model, second.model, screen.left_out_model):
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    optimised = screen.plan
    # Drag the first crew's first stop into the second crew's list, at the top.
    moved = first.model.rows[0].stop.case_id
    data = first.model.mimeData([first.model.index(0, 1)])
    assert not second.model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    settle(qtbot, tasks)
    assert second.model.case_ids()[0] == moved
    assert moved not in first.model.case_ids()
    assert second.problems.text().startswith("按当前顺序检查发现问题")
    assert "外访次数超过该组上限" in second.problems.text()
    last = second.model.index(4, 1)
    assert last.data(Qt.ItemDataRole.BackgroundRole) == PROBLEM_COLOUR
    assert first.problems.text() == "按当前顺序检查：没有违规。"
    screen.commands["hand_out"].trigger()  # refused while a crew's round breaks a rule
    settle(qtbot, tasks)
    assert "违反规则" in screen.message.text()
    screen.commands["undo"].trigger()
    assert screen.plan is optimised
    assert first.model.case_ids()[0] == moved
    with qtbot.waitSignal(screen.rounds_handed_out, timeout=20_000) as handed:
        screen.commands["hand_out"].trigger()
    assert len(handed.args[0]) == 2
    with demo_db.session_factory() as s:
        rounds = s.scalars(select(m.Round).where(m.Round.plan_date == DAY)).all()
        assert sorted(r.crew_id for r in rounds) == [1, 2]
        assert len({r.team_plan_id for r in rounds}) == 1
        assert rounds[0].team_plan_id is not None
    assert "已下发 2 条草稿路线" in screen.message.text()
    assert screen.unsaved_work() is None  # handed out: quitting loses nothing


def test_the_context_menu_moves_a_left_out_case_onto_a_crew(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    screen = open_screen(qtbot, demo_db, tasks, lang="en")
    optimise(qtbot, screen)
    left = next(r for r in screen.left_out_model.rows if "route.max_visits" in r.route_codes)
    menu = screen.move_menu(left.case_id, exclude=None)
    targets = menu.findChildren(QMenu)[0]
    assert screen.plan is not None
    assert [a.text() for a in targets.actions()] == [c.name for c in screen.plan.crews]
    targets.actions()[1].trigger()
    settle(qtbot, tasks)
    second = screen.panels[1]
    assert second.model.case_ids()[-1] == left.case_id
    assert left.case_id not in [r.case_id for r in screen.left_out_model.rows]
    assert "More visits than the crew's maximum" in second.problems.text()
    assert screen.undo_stack.undoText().startswith("Move ")


def test_cancel_ends_without_a_result(qtbot: QtBot, demo_db: Database, tasks: TaskRunner) -> None:
    screen = open_screen(qtbot, demo_db, tasks, budget=Budget(seconds=60.0, seed=0))
    plans: list[object] = []
    screen.plan_changed.connect(plans.append)
    screen.commands["optimise"].trigger()
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=20_000)
    started = time.perf_counter()
    with qtbot.waitSignal(screen.optimise_ended, timeout=10_000) as ended:
        screen.commands["cancel"].trigger()
    assert ended.args == [False]
    assert time.perf_counter() - started < 5
    assert plans == []
    assert screen.plan is None
    assert screen.panels == []
    assert screen.message.text() == "已取消优化，路线未改变。"
    assert multiprocessing.active_children() == []
    assert screen.commands["optimise"].isEnabled()


def test_only_managers_see_the_team_plan(actor_of: Callable[[Role], Actor]) -> None:
    shown = {role: {s.key for s in screens_for(actor_of(role))} for role in Role}
    assert [role for role in Role if "team_plan" in shown[role]] == [Role.MANAGER]


def test_hand_out_asks_before_touching_an_approved_round_and_keeps_it_by_default(
    qtbot: QtBot, demo_db: Database, tasks: TaskRunner
) -> None:
    """Issue 20 item 1: the hand-out once put an approved round back to draft without a word."""
    plan_services = services(demo_db)
    boss = manager(demo_db)
    with demo_db.session_factory() as s:
        member = s.scalar(select(m.CrewMember.user_id).where(m.CrewMember.crew_id == 1))
    assert member is not None
    crew_member = UserDirectory(demo_db.session_factory).actor(member)
    request = DayRequest(1, DAY, template=TEMPLATE)
    own = plan_services.planning.optimise(boss, request, BUDGET)
    saved = plan_services.rounds.save_draft(boss, own, None)
    plan_services.rounds.submit(crew_member, saved.round_id)
    plan_services.rounds.approve(boss, saved.round_id, "checked")
    screen = open_screen(qtbot, demo_db, tasks, lang="en")
    optimise(qtbot, screen)
    asked: list[list[str]] = []

    def keep(held: list[HeldRound]) -> frozenset[int]:
        asked.append([held_line(h, "en") for h in held])
        return frozenset()

    screen.ask_withdraw = keep  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.rounds_handed_out, timeout=20_000) as handed:
        screen.commands["hand_out"].trigger()
    assert len(handed.args[0]) == 1
    numbers = [stop.case_number for stop in own.stops]
    assert screen.plan is not None
    assert asked == [[f"{screen.plan.crew(1).name} — Approved: {', '.join(numbers)}"]]
    assert "Kept as they were" in screen.message.text()
    with demo_db.session_factory() as s:
        row = s.get(m.Round, saved.round_id)
        assert row is not None
        assert row.status == "approved"
