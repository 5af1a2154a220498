"""Escalation reaches people: a missed check-out is mailed to a real SMTP server and posted, signed,
to a real HTTP gateway; failures are retried with backoff and every attempt is on record."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from fieldvisit.domain.enums import AlarmKind, RiskTier
from fieldvisit.services.field.notify_channels import AlarmNotice
from fieldvisit.services.field.notify_log import DeliveryLog
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.notify_receivers import HttpReceiver, SmtpServer, free_port
from tests.services.notify_world import (
    CREW_PHONE,
    MANAGER_PHONE,
    Alerting,
    gateway_calls,
    set_up,
    signed_payload,
)
from tests.services.test_safety_world import T0, World, build_world


@pytest.fixture
def alerting(database: Database, smtp_server: SmtpServer, http_receiver: HttpReceiver) -> Alerting:
    return set_up(build_world(database), smtp_server.port, http_receiver.url)


@pytest.fixture
def sqlite_alerting(
    sqlite_url: str, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> Alerting:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return set_up(build_world(db), smtp_server.port, http_receiver.url)


def _overdue(world: World) -> int:
    """A high-risk visit: due back at 30 min, overdue alarm at 32, one step every 2 min."""
    world.mark_risk(RiskTier.HIGH)
    return world.check_in().session_id


def test_a_missed_check_out_reaches_the_crew_then_the_manager_by_mail_and_gateway(
    alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    _overdue(alerting.world)
    alerting.watch(31)
    assert http_receiver.requests == []
    assert smtp_server.inbox.messages == []
    alerting.watch(32)  # step 1: the crew is asked first, by text
    assert gateway_calls(http_receiver) == [CREW_PHONE]
    alerting.watch(34)  # step 2: the manager, by mail and by text
    assert gateway_calls(http_receiver) == [CREW_PHONE, MANAGER_PHONE]
    [(recipients, mail)] = smtp_server.inbox.messages
    assert recipients == ["mgr@example.com"]
    assert "Overdue" in mail["Subject"]
    assert "甲队" in mail["Subject"]
    text = mail.get_content()
    assert "10:34" in text  # raised at 02:34 UTC, told in the address's local time
    assert "WA1" not in text  # no debt details leave the building
    assert "5000" not in text
    payload = signed_payload(alerting, http_receiver.requests[1])
    assert (payload["kind"], payload["step"], payload["audience"]) == ("overdue", 2, "manager")
    assert payload["recipient"] == MANAGER_PHONE
    assert alerting.attempts() == [
        ("alarm1", f"webhook:{CREW_PHONE}", 1, "sent"),
        ("alarm2", "email:mgr@example.com", 1, "sent"),
        ("alarm2", f"webhook:{MANAGER_PHONE}", 1, "sent"),
        ("alarm2", "push:", 1, "no_listener"),
    ]
    alerting.watch(34, seconds=5)  # a later pass sends nothing twice
    assert len(http_receiver.requests) == 2
    assert len(smtp_server.inbox.messages) == 1


def test_a_failing_gateway_is_retried_with_backoff_and_every_attempt_is_recorded(
    sqlite_alerting: Alerting, http_receiver: HttpReceiver
) -> None:
    _overdue(sqlite_alerting.world)
    http_receiver.answers = [503, 500]
    sqlite_alerting.watch(32)
    sqlite_alerting.watch(32, seconds=5)  # the first retry waits 10 s
    assert len(http_receiver.requests) == 1
    sqlite_alerting.watch(32, seconds=10)
    sqlite_alerting.watch(32, seconds=25)  # the second waits 20 s more
    assert len(http_receiver.requests) == 2
    sqlite_alerting.watch(32, seconds=30)
    assert len(http_receiver.requests) == 3
    # The gateway sees one delivery id for all three, so it can drop a duplicate.
    assert len({r.headers["x-fieldvisit-delivery"] for r in http_receiver.requests}) == 1
    with sqlite_alerting.world.db.session_factory() as s:
        rows = s.scalars(select(m.DeliveryAttempt).order_by(m.DeliveryAttempt.attempt)).all()
        seen = [(r.attempt, r.outcome, r.error, r.next_attempt_at) for r in rows]
    start = T0 + timedelta(minutes=32)
    assert seen == [
        (1, "failed", "webhook answered HTTP 503", start + timedelta(seconds=10)),
        (2, "failed", "webhook answered HTTP 500", start + timedelta(seconds=30)),
        (3, "sent", None, None),
    ]


def test_a_dead_mail_server_loses_no_alarm_and_is_tried_again(
    sqlite_alerting: Alerting, smtp_server: SmtpServer
) -> None:
    world = sqlite_alerting.world
    _overdue(world)
    smtp_server.controller.stop()
    sqlite_alerting.watch(32)
    report = sqlite_alerting.watch(34)
    assert [r.alarm.step for r in report.raised] == [2]  # the alarm climbed regardless
    with world.db.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.Alarm)) == 2
    assert ("alarm2", "email:mgr@example.com", 1, "failed") in sqlite_alerting.attempts()
    smtp_server.controller = Controller(
        smtp_server.inbox, hostname="127.0.0.1", port=smtp_server.port
    )
    smtp_server.controller.start()  # the server is back: the retry after 10 s gets through
    sqlite_alerting.watch(34, seconds=10)
    assert ("alarm2", "email:mgr@example.com", 2, "sent") in sqlite_alerting.attempts()
    assert [rcpt for rcpt, _ in smtp_server.inbox.messages] == [["mgr@example.com"]]


def test_acknowledging_stops_the_ladder_and_its_deliveries(
    sqlite_alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    world = sqlite_alerting.world
    session_id = _overdue(world)
    http_receiver.answers = [503]  # the crew's text fails and waits for a retry...
    sqlite_alerting.watch(32)
    SafetyResponse(world.deps).acknowledge(world.manager, session_id, AlarmKind.OVERDUE)
    for minute in (33, 36, 40, 60):  # ...which never comes, and no step follows
        assert sqlite_alerting.watch(minute).raised == ()
    assert len(http_receiver.requests) == 1
    assert smtp_server.inbox.messages == []
    with world.db.session_factory() as s:
        alarm = s.scalars(select(m.Alarm)).one()
        assert (alarm.step, alarm.acknowledged_by) == (1, world.manager.user_id)
    assert sqlite_alerting.attempts() == [("alarm1", f"webhook:{CREW_PHONE}", 1, "failed")]
    [step] = DeliveryLog(world.deps).for_session(world.manager, session_id)
    assert (step.step, step.audience, step.acknowledged_by) == (1, "crew", "mgr")
    assert [(a.channel, a.outcome, a.error) for a in step.attempts] == [
        ("webhook", "failed", "webhook answered HTTP 503")
    ]


def test_push_reaches_the_subscribed_board_and_two_watchers_deliver_once(
    sqlite_alerting: Alerting, smtp_server: SmtpServer
) -> None:
    world = sqlite_alerting.world
    _overdue(world)
    pushed: list[AlarmNotice] = []
    sqlite_alerting.hub.subscribe(lambda notice, _address: pushed.append(notice))
    sqlite_alerting.watch(32, watcher="w1")
    sqlite_alerting.watch(34, watcher="w1")
    sqlite_alerting.watch(34, watcher="w2")
    assert [(n.kind, n.step, n.crew) for n in pushed] == [("overdue", 2, "甲队")]
    assert len(smtp_server.inbox.messages) == 1
    assert ("alarm2", "push:", 1, "sent") in sqlite_alerting.attempts()


def test_sos_skips_the_crew_and_carries_the_position(
    sqlite_alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    from fieldvisit.services.field.visits import FieldVisits, Position

    world = sqlite_alerting.world
    info = world.check_in()
    FieldVisits(world.deps).sos(world.collector, info.session_id, Position(31.2304, 121.4737))
    sqlite_alerting.watch(1)
    assert gateway_calls(http_receiver) == [MANAGER_PHONE]  # never the crew's own phone
    payload = signed_payload(sqlite_alerting, http_receiver.requests[0])
    assert (payload["kind"], payload["lat"], payload["lon"]) == ("sos", 31.2304, 121.4737)
    [(_, mail)] = smtp_server.inbox.messages
    assert "31.2304, 121.4737" in mail.get_content()


def test_duress_reaches_the_manager_marked_silent_and_never_the_crew(
    sqlite_alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
    from fieldvisit.services.field.pins import set_duress_pin
    from tests.services.test_safety_world import outcome

    world = sqlite_alerting.world
    set_duress_pin(world.deps, world.collector, "9111")
    info = world.check_in()
    forced = CheckOut(info.visit_id or 0, outcome(), pin="9111")
    FieldCheckout(world.deps).check_out(world.collector, forced)
    sqlite_alerting.watch(1)
    assert gateway_calls(http_receiver) == [MANAGER_PHONE]
    assert signed_payload(sqlite_alerting, http_receiver.requests[0])["silent"] is True
    [(_, mail)] = smtp_server.inbox.messages
    assert "do not call the crew's phones" in mail.get_content()


def test_an_unconfigured_channel_is_recorded_as_a_failure_not_skipped(
    sqlite_alerting: Alerting,
) -> None:
    world = sqlite_alerting.world
    with world.db.session_factory.begin() as s:
        s.get_one(m.NotifySettings, world.team_id).smtp_host = None
    _overdue(world)
    sqlite_alerting.watch(32)
    sqlite_alerting.watch(34)
    with world.db.session_factory() as s:
        row = s.scalars(select(m.DeliveryAttempt).where(m.DeliveryAttempt.channel == "email")).one()
    assert (row.outcome, row.error) == ("failed", "no SMTP server configured for this team")


def test_the_unreachable_port_is_a_clear_error(sqlite_alerting: Alerting) -> None:
    world = sqlite_alerting.world
    with world.db.session_factory.begin() as s:
        s.get_one(m.NotifySettings, world.team_id).webhook_url = f"http://127.0.0.1:{free_port()}/x"
    _overdue(world)
    sqlite_alerting.watch(32)
    with world.db.session_factory() as s:
        row = s.scalars(select(m.DeliveryAttempt)).one()
    assert row.outcome == "failed"
    assert "refused" in (row.error or "").lower()


class _Crash(BaseException):
    """The watcher's process dying in the middle of a send (not an error it could catch)."""


def test_a_send_cut_short_by_a_dying_watcher_is_sent_again_after_the_claim_timeout(
    sqlite_alerting: Alerting,
) -> None:
    _overdue(sqlite_alerting.world)
    sqlite_alerting.watch(32)

    def die(_notice: AlarmNotice, _address: str) -> None:
        raise _Crash

    unsubscribe = sqlite_alerting.hub.subscribe(die)
    with pytest.raises(_Crash):
        sqlite_alerting.watch(34)
    unsubscribe()
    received: list[AlarmNotice] = []
    sqlite_alerting.hub.subscribe(lambda notice, _address: received.append(notice))
    sqlite_alerting.watch(35)  # another watcher may still be sending: wait
    assert received == []
    sqlite_alerting.watch(36, watcher="w2")
    assert [n.step for n in received] == [2]
    pushes = [a for a in sqlite_alerting.attempts() if a[1] == "push:"]
    assert pushes == [("alarm2", "push:", 1, "failed"), ("alarm2", "push:", 2, "sent")]


def test_a_called_off_alarm_stands_down_everyone_it_reached_by_the_same_channel(
    sqlite_alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
    from tests.services.test_safety_world import outcome

    world = sqlite_alerting.world
    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    sqlite_alerting.watch(32)
    sqlite_alerting.watch(34)
    world.clock.now = T0 + timedelta(minutes=35)  # the crew checks out late: alarm called off
    FieldCheckout(world.deps).check_out(world.collector, CheckOut(info.visit_id or 0, outcome()))
    sqlite_alerting.watch(35)
    sqlite_alerting.watch(40)  # told once
    payloads = [json.loads(r.body) for r in http_receiver.requests]
    told = sorted(p["recipient"] for p in payloads if p["stand_down"])
    assert told == sorted([CREW_PHONE, MANAGER_PHONE])
    subjects = [str(mail["Subject"]) for _, mail in smtp_server.inbox.messages]
    assert len(subjects) == 2
    assert subjects[1].startswith("[FieldVisit] Stand down")
    assert ("standdown2", "push:", 1, "no_listener") not in sqlite_alerting.attempts()


@pytest.mark.postgres
def test_watchers_racing_on_postgresql_send_each_attempt_once(
    pg_url: str, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    import threading

    from fieldvisit.services.field.notify import Notifier

    db = Database.open(pg_url)
    migrate.upgrade(db.engine)
    alerting = set_up(build_world(db), smtp_server.port, http_receiver.url)
    _overdue(alerting.world)
    alerting.watch(32)
    alerting.world.clock.now = T0 + timedelta(minutes=34)
    from fieldvisit.services.field.watch import SafetyWatcher

    SafetyWatcher(alerting.world.deps, "timers").run_once()  # raise step 2, deliver nothing
    start = threading.Barrier(4)
    notifiers = [Notifier(alerting.world.deps, alerting.hub) for _ in range(4)]

    def race(notifier: Notifier, name: str) -> None:
        start.wait()
        notifier.run(name)

    threads = [threading.Thread(target=race, args=(n, f"w{i}")) for i, n in enumerate(notifiers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert gateway_calls(http_receiver) == [CREW_PHONE, MANAGER_PHONE]
    assert [rcpt for rcpt, _ in smtp_server.inbox.messages] == [["mgr@example.com"]]
    db.dispose()


def test_a_drill_reaches_every_recipient_once_and_reports_what_failed(
    sqlite_alerting: Alerting, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> None:
    from fieldvisit.services.field.notify_drill import NotifyDrill

    smtp_server.controller.stop()
    drill = NotifyDrill(sqlite_alerting.world.deps, sqlite_alerting.notifier)
    results = drill.run(sqlite_alerting.admin, sqlite_alerting.world.team_id)
    outcome = {(r.step, r.channel, r.address): r.error for r in results}
    assert outcome[(1, "webhook", CREW_PHONE)] is None
    assert outcome[(2, "push", "")] == "no_listener"
    assert "smtp 127.0.0.1" in (outcome[(4, "email", "desk@example.com")] or "")
    assert len(results) == 6  # every recipient of every step, each once
    assert gateway_calls(http_receiver) == [CREW_PHONE, MANAGER_PHONE]
    assert sqlite_alerting.attempts() == []  # a drill is not an alarm
    with sqlite_alerting.world.db.session_factory() as s:
        audited = s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "notify.drill"))
        assert len(audited.all()) == 1
