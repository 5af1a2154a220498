"""The check-out dialog opened from Today shows the case's own currency with its amounts: a USD
creditor's case reads "$", never "¥" (issue #19, money)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import update

from fieldvisit.domain.access import Actor
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.field.checkin_panel import CheckInPanel
from fieldvisit.ui.field.today_screen import TodayScreen
from tests.ui.test_today_screen import _approved_round_for_today


def _dialog_prefix(
    screen: TodayScreen, qtbot: QtBot, drain: Callable[[], None], row: int
) -> tuple[str, str]:
    screen.table.selectRow(row)
    screen.start_button.click()
    drain()
    panel = screen.current_panel
    assert isinstance(panel, CheckInPanel)
    dialog = panel.dialog_factory()
    qtbot.addWidget(dialog)
    return dialog.ptp_amount.prefix(), dialog.payment_amount.prefix()


def test_the_check_out_dialog_shows_a_usd_case_in_dollars(
    qtbot: QtBot,
    services: Services,
    demo_db: Database,
    context_for: Callable[[Actor, str], ScreenContext],
    drain: Callable[[], None],
) -> None:
    collector = _approved_round_for_today(services, demo_db)
    screen = TodayScreen(context_for(collector, "en"))
    qtbot.addWidget(screen)
    drain()
    usd_case = screen.model.stops[0].case_id
    with demo_db.session_factory.begin() as s:
        s.execute(update(m.Case).where(m.Case.id == usd_case).values(currency="USD"))
    screen.refresh()
    drain()
    assert _dialog_prefix(screen, qtbot, drain, 0) == ("$", "$")
    # Positive control: the round's other cases stay in yuan.
    assert _dialog_prefix(screen, qtbot, drain, 1) == ("¥", "¥")
