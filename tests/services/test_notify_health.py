"""Watcher health: a watcher silent for 60 s pages the safety lead once per outage, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldvisit.services.field.notify_health import NO_WATCHER
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.notify_receivers import HttpReceiver, SmtpServer
from tests.services.notify_world import T0, Alerting, set_up
from tests.services.test_safety_world import build_world


@pytest.fixture
def alerting(sqlite_url: str, smtp_server: SmtpServer, http_receiver: HttpReceiver) -> Alerting:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return set_up(build_world(db), smtp_server.port, http_receiver.url)


def _audited(alerting: Alerting, action: str) -> int:
    with alerting.world.db.session_factory() as s:
        return len(s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == action)).all())


def test_a_stale_watcher_pages_the_safety_lead_once(
    alerting: Alerting, smtp_server: SmtpServer
) -> None:
    alerting.watch(0, watcher="server-a")  # beats at T0, then dies
    alerting.watch(1, watcher="w1")  # 60 s of silence is still within bounds
    assert smtp_server.inbox.messages == []
    alerting.watch(1, seconds=1, watcher="w1")
    [(recipients, mail)] = smtp_server.inbox.messages
    assert recipients == ["lead@example.com"]  # step 3 of the ladder: the safety lead
    assert "server-a" in mail["Subject"]
    assert "fieldvisit safety watch" in mail.get_content()
    alerting.watch(2, watcher="w1")
    alerting.watch(5, watcher="w1")
    assert len(smtp_server.inbox.messages) == 1  # one outage, one page
    assert _audited(alerting, "safety.watcher_silent") == 1
    assert alerting.attempts() == [("watcher", "email:lead@example.com", 1, "sent")]


def test_the_outage_ends_when_the_watcher_beats_again_and_the_lead_acknowledges(
    alerting: Alerting, smtp_server: SmtpServer
) -> None:
    alerting.watch(0, watcher="server-a")
    alerting.watch(2, watcher="w1")
    alerting.watch(3, watcher="server-a")  # back
    alerting.watch(3, seconds=5, watcher="w1")
    [outage] = alerting.health.outages(alerting.world.lead)
    assert outage.watcher_id == "server-a"
    assert outage.recovered_at is not None
    assert _audited(alerting, "safety.watcher_recovered") == 1
    alerting.health.acknowledge(alerting.world.lead, outage.id)
    assert alerting.health.outages(alerting.world.lead) == []
    assert _audited(alerting, "safety.watcher_acknowledged") == 1


def test_an_unacknowledged_outage_is_retried_until_it_reaches_the_lead(
    alerting: Alerting, smtp_server: SmtpServer
) -> None:
    from aiosmtpd.controller import Controller

    smtp_server.controller.stop()
    alerting.watch(0, watcher="server-a")
    alerting.watch(2, watcher="w1")
    assert alerting.attempts() == [("watcher", "email:lead@example.com", 1, "failed")]
    back = Controller(smtp_server.inbox, hostname="127.0.0.1", port=smtp_server.port)
    smtp_server.controller = back
    back.start()
    alerting.watch(2, seconds=10, watcher="w1")
    assert [rcpt for rcpt, _ in smtp_server.inbox.messages] == [["lead@example.com"]]


def test_a_watcher_stopped_on_purpose_pages_nobody(
    alerting: Alerting, smtp_server: SmtpServer
) -> None:
    from fieldvisit.services.field.watch import SafetyWatcher

    watcher = SafetyWatcher(alerting.world.deps, "server-a")
    watcher.run_once()
    watcher.retire()
    alerting.watch(5, watcher="w1")
    assert smtp_server.inbox.messages == []
    assert _audited(alerting, "safety.watcher_stopped") == 1


def test_silence_of_every_watcher_counts_from_a_servers_start_when_none_ever_beat(
    alerting: Alerting,
) -> None:
    health, clock = alerting.health, alerting.world.clock
    clock.now = T0
    started = clock()
    assert not health.silent(since=started)  # a server's own watcher needs a moment
    clock.now = T0 + timedelta(seconds=61)
    assert health.silent(since=started)
    assert health.silent()  # no beat, no start: silent


def test_every_watcher_silent_is_recorded_and_audited_once_until_one_beats(
    alerting: Alerting,
) -> None:
    alerting.watch(0, watcher="w1")  # the only watcher beats at T0, then dies
    health, clock = alerting.health, alerting.world.clock
    clock.now = T0 + timedelta(seconds=60)
    assert not health.note_silence("server-a")  # 60 s is still within bounds
    clock.now = T0 + timedelta(seconds=61)
    assert health.note_silence("server-a")
    assert health.note_silence("server-b")  # another server notices the same silence
    assert _audited(alerting, "safety.watchers_silent") == 1
    [outage] = [o for o in health.outages(alerting.world.lead) if o.watcher_id == NO_WATCHER]
    assert outage.recovered_at is None
    alerting.watch(2, watcher="w2")  # a watcher again
    assert not health.note_silence("server-a")
    assert not health.note_silence("server-b")
    assert _audited(alerting, "safety.watchers_back") == 1
    [outage] = [o for o in health.outages(alerting.world.lead) if o.watcher_id == NO_WATCHER]
    assert outage.recovered_at == T0 + timedelta(minutes=2)
