"""The phone companion in a real Chromium against a real team server on the CI PostgreSQL.

One collector's day at a phone's size: sign in, check in with the phone's position, let the timer
run out until the office is alarmed, the manager acknowledges on the desktop board, the phone
says so; check out while the network is cut, and exactly one check-out lands when it returns.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fieldvisit.app.wiring import Backend, open_audit, open_backend
from fieldvisit.domain.notify_rules import NotifyChannel, Route
from fieldvisit.domain.notify_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from fieldvisit.server.clock import FileClock
from fieldvisit.services.field.notify_config import ChannelSettings
from fieldvisit.services.field.pins import set_duress_pin
from fieldvisit.storage import models as m
from tests.companion.browser import Phone, phone
from tests.server.support import Api, ServerProcess, TestClock, fresh_database
from tests.services.notify_receivers import HttpReceiver, SmtpServer

pytestmark = pytest.mark.postgres

DAY = date(2026, 12, 2)
START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, the demo teams' zone
DOOR = (31.2712, 121.5263)  # where the phone says it is at check-in (Yangpu, WGS-84)
COLLECTOR, MANAGER = "col.sh-e.11", "mgr.sh-e"
DURESS_PIN = "9111"


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> TestClock:
    return TestClock(tmp_path_factory.mktemp("clock") / "now", START)


@pytest.fixture(scope="module")
def db_url() -> Iterator[str]:
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        yield url


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, clock: TestClock, db_url: str
) -> Iterator[ServerProcess]:
    process = ServerProcess(
        db_url, tmp_path_factory.mktemp("server"), clock, "--watch-interval", "0.5"
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def desktop(db_url: str, clock: TestClock, server: ServerProcess) -> Iterator[Backend]:
    """The office's desktop client on the same database, on the test's clock."""
    file_clock = FileClock(clock.path)
    key = server.log.parent / "audit.key"  # the server's key: one chain, one key
    backend = open_backend(db_url, clock=file_clock, audit=open_audit(db_url, file_clock, key))
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def approved_round(server: ServerProcess) -> int:
    collector, manager = Api.sign_in(server.base, COLLECTOR), Api.sign_in(server.base, MANAGER)
    planned = collector.post("/rounds/plan", json={"crew_id": 1, "day": DAY.isoformat()}).json()
    round_id = int(planned["round"]["round_id"])
    assert collector.post(f"/rounds/{round_id}/submit").status_code == 200
    assert (
        manager.post(f"/rounds/{round_id}/approve", json={"reason": "路线合规"}).status_code == 200
    )
    return round_id


def wait_for(
    condition: Callable[[], Any], timeout: float = 15.0, what: str = "", device: Phone | None = None
) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (NoSuchElementException, StaleElementReferenceException):  # not drawn yet
            value = None
        if value:
            return value
        time.sleep(0.2)
    seen = f"; the phone shows: {text_of(device)!r}" if device is not None else ""
    raise AssertionError(f"timed out waiting for {what or condition}{seen}")


def by_id(device: Phone, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return device.driver.find_element(By.ID, element_id)


def text_of(device: Phone) -> str:
    from selenium.webdriver.common.by import By

    return str(device.driver.find_element(By.TAG_NAME, "body").text)


def sign_in(device: Phone, server: ServerProcess, lang: str) -> None:
    origin = server.base.removesuffix("/api/v1")
    device.driver.get(f"{origin}/companion/")
    device.driver.execute_script(f"localStorage.setItem('fv.lang', '{lang}')")
    device.driver.get(f"{origin}/companion/")
    wait_for(lambda: by_id(device, "sign-in").is_displayed(), what="the sign-in form")
    snap(device, f"sign-in-{lang}")
    device.allow_location(origin)
    device.place(*DOOR, accuracy=8.0)
    wait_for(lambda: by_id(device, "sign-in").is_displayed(), what="the sign-in form")
    by_id(device, "username").send_keys(COLLECTOR)
    by_id(device, "password").send_keys("demo1234")
    by_id(device, "sign-in").click()
    wait_for(lambda: "save-pin" in device.driver.page_source, what="the PIN form", device=device)
    by_id(device, "pin").send_keys("2468")
    by_id(device, "pin-again").send_keys("2468")
    by_id(device, "save-pin").click()


def snap(device: Phone, name: str) -> None:
    """Keep a screenshot for the docs when FIELDVISIT_SCREENSHOTS names a folder."""
    folder = os.environ.get("FIELDVISIT_SCREENSHOTS")
    if folder:
        device.driver.save_screenshot(str(Path(folder) / f"companion-{name}.png"))


def rows(backend: Backend, statement: Any) -> list[Any]:
    with backend.database.session_factory() as s:
        return list(s.execute(statement).all())


def first_stop_check_in(device: Phone) -> None:
    from selenium.webdriver.common.by import By

    button = wait_for(
        lambda: device.driver.find_elements(By.CSS_SELECTOR, "button.check-in"), what="stops"
    )[0]
    button.click()
    wait_for(lambda: "timer" in device.driver.page_source, what="the visit screen")


def queue_empty(device: Phone) -> bool:
    return bool(by_id(device, "queue").get_attribute("data-count") in (None, "", "0"))


def alert_the_manager(desktop: Backend, smtp_port: int, gateway: str) -> str:
    """Crew 1's team: the first alarm step mails the manager and texts them through the
    company's gateway (a local SMTP server and HTTP receiver here); the gateway's secret."""
    users, config = desktop.services.users, desktop.services.notify.config
    admin = users.actor(users.user_id("admin"))
    manager_id = users.user_id(MANAGER)
    team = rows(desktop, select(m.Crew.team_id).where(m.Crew.id == 1))[0][0]
    settings = ChannelSettings(
        smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_from="alarms@fieldvisit.test",
        webhook_url=gateway, language="zh",
    )  # fmt: skip
    config.set_channels(admin, team, settings)
    secret = config.new_webhook_secret(admin, team)
    config.set_step(
        admin,
        team,
        1,
        [
            Route(1, NotifyChannel.EMAIL, "mgr@example.com", manager_id),
            Route(1, NotifyChannel.WEBHOOK, "+8613800000002", manager_id),
        ],
    )
    return secret


def test_a_collectors_day_on_the_phone(
    server: ServerProcess,
    clock: TestClock,
    desktop: Backend,
    approved_round: int,
    smtp_server: SmtpServer,
    http_receiver: HttpReceiver,
    qtbot: Any,
) -> None:
    from fieldvisit.ui.field.board import SafetyBoardWidget

    secret = alert_the_manager(desktop, smtp_server.port, http_receiver.url)
    with phone() as device:
        sign_in(device, server, "zh")
        wait_for(lambda: "check-in" in device.driver.page_source, what="the stops")
        snap(device, "today-zh")
        first_stop_check_in(device)
        wait_for(lambda: queue_empty(device), what="the check-in to be sent")

        # The position the phone gave is stored with the visit, with its accuracy.
        ours = select(m.RoundStop.id).where(m.RoundStop.round_id == approved_round)
        visits = rows(
            desktop,
            select(
                m.Visit.id, m.Visit.arrive_lat, m.Visit.arrive_lon, m.Visit.arrive_accuracy_m
            ).where(m.Visit.round_stop_id.in_(ours), m.Visit.arrived_at.is_not(None)),
        )
        assert len(visits) == 1
        visit_id, lat, lon, accuracy = visits[0]
        assert (lat, lon) == pytest.approx(DOOR, abs=1e-6)
        assert accuracy == pytest.approx(8.0)
        due, grace = rows(
            desktop,
            select(m.SafetySession.expected_end, m.SafetySession.grace_minutes).where(
                m.SafetySession.visit_id == visit_id
            ),
        )[0]

        # The timer runs out: the server's watcher alarms the office, the phone shows it.
        clock.set(due + timedelta(minutes=grace, seconds=5))
        wait_for(lambda: by_id(device, "alarm").is_displayed(), timeout=20, what="the alarm")
        assert "警报已发出" in by_id(device, "alarm").text
        snap(device, "alarm-zh")
        # The server's watcher has told the manager by e-mail and through the SMS gateway.
        mail = wait_for(lambda: smtp_server.inbox.messages, timeout=30, what="the e-mail")
        assert mail[0][0] == ["mgr@example.com"]
        call = wait_for(lambda: http_receiver.requests, timeout=30, what="the webhook")[0]
        stamp = int(call.headers[TIMESTAMP_HEADER.lower()])
        assert verify(
            secret.encode(), stamp, call.body, call.headers[SIGNATURE_HEADER.lower()], stamp
        )
        assert json.loads(call.body)["recipient"] == "+8613800000002"

        # The manager acknowledges on the desktop board; the phone says who did.
        manager = desktop.services.users.actor(desktop.services.users.user_id(MANAGER))
        services = desktop.services
        board = SafetyBoardWidget(services.safety_board, services.safety_response, manager, "zh")
        qtbot.addWidget(board)
        board.refresh()
        qtbot.waitUntil(lambda: board.model.rowCount() == 1, timeout=10_000)
        board.table.selectRow(0)
        assert board.ack_button.isEnabled()
        board.ack_button.click()
        wait_for(lambda: "主管已确认" in by_id(device, "alarm").text, timeout=20, what="the ack")

        # Check out with the network cut: the phone keeps it, then sends it once.
        device.offline(True)
        from selenium.webdriver.support.ui import Select

        Select(by_id(device, "person_met")).select_by_value("debtor")
        Select(by_id(device, "outcome")).select_by_value("promise_to_pay")
        by_id(device, "ptp_amount").send_keys("1200")
        device.driver.execute_script(
            "document.getElementById('ptp_date').value = '2026-12-10';"
            "document.getElementById('next_action_date').value = '2026-12-11';"
        )
        Select(by_id(device, "next_action")).select_by_value("await_payment")
        # The debtor says: not on Sunday evenings. An end before the start is caught on the phone.
        Select(by_id(device, "declaration-kind")).select_by_value("inconvenient")
        Select(by_id(device, "declaration-weekday")).select_by_value("6")
        device.driver.execute_script(
            "document.getElementById('declaration-start').value = '21:00';"
            "document.getElementById('declaration-end').value = '18:00';"
        )
        by_id(device, "submit-check-out").click()
        wait_for(lambda: by_id(device, "declaration-error").is_displayed(), what="the refusal")
        assert "结束时间须晚于开始时间" in by_id(device, "declaration-error").text
        assert "checked-out" not in device.driver.page_source
        device.driver.execute_script(
            "document.getElementById('declaration-start').value = '18:00';"
            "document.getElementById('declaration-end').value = '21:00';"
        )
        by_id(device, "declaration-note").send_keys("周日晚上在家带孩子")
        by_id(device, "submit-check-out").click()
        wait_for(lambda: "checked-out" in device.driver.page_source, what="the done screen")
        wait_for(lambda: by_id(device, "queue").get_attribute("data-count") == "1", what="queued")
        assert "1 条记录尚未发送" in by_id(device, "queue").text
        time.sleep(1.0)  # the phone tries, and fails, while offline
        assert count_check_outs(desktop, visit_id) == 0

        device.offline(False)
        device.driver.execute_script("window.dispatchEvent(new Event('online'))")
        wait_for(lambda: queue_empty(device), timeout=30, what="the queue to empty")
        assert count_check_outs(desktop, visit_id) == 1
        assert declared_blackouts(desktop, visit_id) == [
            (6, time_of_day(18, 0), time_of_day(21, 0), "visit")
        ]
        # Sending again (a retry after a lost answer) changes nothing: the event id is the same.
        device.driver.refresh()
        time.sleep(1.0)
        assert count_check_outs(desktop, visit_id) == 1


def declared_blackouts(backend: Backend, visit_id: int) -> list[tuple[Any, ...]]:
    """The blackouts the visit's debtor declared at the door, as the next planning reads them."""
    with backend.database.session_factory() as s:
        visit = s.get_one(m.Visit, visit_id)
        debtor_id = s.get_one(m.Case, visit.case_id).debtor_id
        rows = s.execute(
            select(
                m.Availability.weekday,
                m.Availability.start_time,
                m.Availability.end_time,
                m.Availability.source,
            ).where(
                m.Availability.debtor_id == debtor_id,
                m.Availability.kind == "blackout",
                m.Availability.source == "visit",  # said at the door, not the creditor's file
            )
        )
        return [tuple(row) for row in rows]


def count_check_outs(backend: Backend, visit_id: int) -> int:
    with backend.database.session_factory() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(m.VisitRecord)
                .where(m.VisitRecord.visit_id == visit_id)
            )
            or 0
        )


def hold_sos(device: Phone, seconds: float) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(device.driver).click_and_hold(by_id(device, "sos")).pause(
        seconds
    ).release().perform()


def next_stop_check_in(device: Phone, server: ServerProcess, lang: str) -> None:
    sign_in(device, server, lang)
    first_stop_check_in(device)
    wait_for(lambda: queue_empty(device), what="the check-in to be sent", device=device)


def open_session(backend: Backend) -> tuple[int, int]:
    found = rows(
        backend,
        select(m.SafetySession.id, m.SafetySession.visit_id)
        .where(m.SafetySession.state != "closed")
        .order_by(m.SafetySession.id.desc()),
    )
    assert len(found) == 1, found
    return int(found[0][0]), int(found[0][1])


def test_sos_needs_a_3_second_hold_and_carries_the_position(
    server: ServerProcess, desktop: Backend, approved_round: int
) -> None:
    with phone() as device:
        next_stop_check_in(device, server, "en")
        snap(device, "visit-en")
        session_id, _ = open_session(desktop)
        device.place(31.2801, 121.5302, accuracy=15.0)  # the crew has moved since check-in
        hold_sos(device, 1.2)  # let go early: nothing is sent
        assert "Hold 3 s for SOS" in by_id(device, "sos").text
        sos = select(m.SafetyEvent.lat, m.SafetyEvent.lon).where(
            m.SafetyEvent.session_id == session_id, m.SafetyEvent.kind == "sos"
        )
        assert rows(desktop, sos) == []
        hold_sos(device, 3.6)
        wait_for(lambda: rows(desktop, sos), what="the SOS event")
        assert rows(desktop, sos) == [pytest.approx((31.2801, 121.5302), abs=1e-6)]
        alarms = select(m.Alarm.kind, m.Alarm.silent).where(m.Alarm.session_id == session_id)
        assert ("sos", False) in rows(desktop, alarms)
        wait_for(lambda: by_id(device, "alarm").is_displayed(), timeout=20, what="the banner")
        assert "waiting for a manager" in by_id(device, "alarm").text
        fill_check_out(device)
        by_id(device, "submit-check-out").click()
        wait_for(lambda: queue_empty(device), what="the check-out to be sent", device=device)


def fill_check_out(device: Phone) -> None:
    from selenium.webdriver.support.ui import Select

    Select(by_id(device, "person_met")).select_by_value("nobody")
    Select(by_id(device, "outcome")).select_by_value("not_home")
    Select(by_id(device, "next_action")).select_by_value("revisit")
    device.driver.execute_script(
        "document.getElementById('next_action_date').value = '2026-12-09';"
    )


def check_out_at_next_stop(server: ServerProcess, desktop: Backend, pin: str) -> tuple[str, int]:
    """Check in at the next stop and out with ``pin``: the done screen's HTML and the session."""
    with phone() as device:
        next_stop_check_in(device, server, "zh")
        session_id, _ = open_session(desktop)
        fill_check_out(device)
        by_id(device, "checkout-pin").send_keys(pin)
        by_id(device, "submit-check-out").click()
        # The phone shows the done screen at once, before the server answers, whatever the PIN.
        wait_for(lambda: "checked-out" in device.driver.page_source, timeout=10, what="done")
        screen = str(by_id(device, "view").get_attribute("innerHTML"))
        wait_for(lambda: queue_empty(device), what="the check-out to be sent", device=device)
        time.sleep(1.0)  # a poll of the session could show an alarm now; a silent one never shows
        assert not by_id(device, "alarm").is_displayed()
    return screen, session_id


def alarms_of(backend: Backend, session_id: int) -> list[Any]:
    return rows(
        backend, select(m.Alarm.kind, m.Alarm.silent).where(m.Alarm.session_id == session_id)
    )


def test_a_duress_check_out_looks_like_any_other_and_raises_a_silent_alarm(
    server: ServerProcess, desktop: Backend, approved_round: int
) -> None:
    collector = desktop.services.users.actor(desktop.services.users.user_id(COLLECTOR))
    set_duress_pin(desktop.services.safety, collector, DURESS_PIN)
    normal, normal_session = check_out_at_next_stop(server, desktop, "")
    duress, duress_session = check_out_at_next_stop(server, desktop, DURESS_PIN)
    assert normal == duress
    assert alarms_of(desktop, normal_session) == []
    assert alarms_of(desktop, duress_session) == [("duress", True)]
