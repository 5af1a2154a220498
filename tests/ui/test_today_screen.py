"""The Today screen lists the approved round's stops and opens check-in for the chosen one."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet
from fieldvisit.routing.budget import Budget
from fieldvisit.services.planning.day import DayRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.field.checkin_panel import CheckInPanel
from fieldvisit.ui.field.today_screen import TodayScreen


def _approved_round_for_today(services: Services, demo_db: Database) -> Actor:
    users = services.users
    with demo_db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
        crew_id, member = crew.id, crew.members[0].user_id
    assert manager is not None
    collector = users.actor(member)
    day = services.clock().date()
    plan = services.plan.planning.optimise(
        collector, DayRequest(crew_id, day), Budget(iterations=200)
    )
    saved = services.plan.rounds.save_draft(collector, plan, None)
    services.plan.rounds.submit(collector, saved.round_id)
    services.plan.rounds.approve(users.actor(manager), saved.round_id, "ok")
    return collector


def test_stops_are_listed_and_check_in_opens(
    qtbot: QtBot,
    services: Services,
    demo_db: Database,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> None:
    collector = _approved_round_for_today(services, demo_db)
    screen = TodayScreen(context_for(collector, "zh"))
    qtbot.addWidget(screen)
    drain()
    assert screen.model.rowCount() > 0
    assert "今日路线" in screen.heading.text()
    starts = [screen.model.index(row, 1).data()[:5] for row in range(screen.model.rowCount())]
    assert all("08:30" <= start <= "18:00" for start in starts)  # the crew's clock, not UTC
    screen.table.selectRow(0)
    assert screen.start_button.isEnabled()
    screen.start_button.click()
    drain()
    assert isinstance(screen.current_panel, CheckInPanel)
    assert screen.model.stops[0].visit_id is not None


def test_without_an_approved_round_the_screen_says_so(
    qtbot: QtBot,
    actor_of: Callable[[Role], Actor],
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> None:
    screen = TodayScreen(context_for(actor_of(Role.COLLECTOR), "en"))
    qtbot.addWidget(screen)
    drain()
    assert screen.model.rowCount() == 0
    assert "No approved round today" in screen.heading.text()


def test_the_crew_sees_its_doors_in_full_and_check_out_marks_the_stop_done(
    qtbot: QtBot,
    services: Services,
    demo_db: Database,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> None:
    """Issue 20 items 3 and 7: "上海市杨浦区****" at the door; "in progress" after check-out."""
    collector = _approved_round_for_today(services, demo_db)
    screen = TodayScreen(context_for(collector, "en"))
    qtbot.addWidget(screen)
    drain()
    first = screen.model.stops[0]
    with demo_db.session_factory() as s:
        case = s.get_one(m.Case, first.case_id)
        street = s.get_one(m.Address, first.address_id).text
        name, debtor_id = case.debtor.name, case.debtor_id
        logged = s.scalars(
            select(m.AccessLog.debtor_id).where(m.AccessLog.user_id == collector.user_id)
        ).all()
    assert screen.model.index(0, 3).data() == street
    assert "*" not in screen.model.index(0, 3).data()
    assert screen.model.index(0, 2).data() == f"{first.case_number}  {name}"
    assert debtor_id in logged
    screen.table.selectRow(0)
    screen.start_button.click()
    drain()
    panel = screen.current_panel
    assert isinstance(panel, CheckInPanel)
    assert screen.model.index(0, 4).data() == "In progress"
    panel.check_in_button.click()
    drain()
    dialog = panel.dialog_factory()
    assert first.case_number in dialog.windowTitle()  # the dialog names the case it closes
    assert dialog.heading.text() == f"{first.case_number}  {street}"
    for combo, value in (
        (dialog.person, PersonMet.DEBTOR),
        (dialog.outcome, OutcomeCode.REFUSED),
        (dialog.next_action, NextAction.PHONE_CALL),
    ):
        combo.setCurrentIndex(combo.findData(value.value))
    panel.submit_check_out(dialog)
    drain()
    assert screen.model.index(0, 4).data() == "Done"
