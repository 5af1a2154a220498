"""Cut off from the database: check-outs queue on the crew's machine and are delivered once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from fieldvisit.domain.enums import RiskTier
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.checkout import CheckOut
from fieldvisit.services.field.client import FieldClient
from fieldvisit.services.field.queue import LocalQueue
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0, build_world, outcome

# Nothing listens on port 9: connecting fails at once, like a crew's laptop without network.
CLOSED_PORT_URL = "postgresql+psycopg://fieldvisit@127.0.0.1:9/fieldvisit?connect_timeout=2"


def test_queued_check_out_is_delivered_once_and_the_watcher_escalated_meanwhile(
    database: Database, tmp_path: Path
) -> None:
    world = build_world(database)
    world.mark_risk(RiskTier.HIGH)
    queue = LocalQueue(tmp_path / "outbox.jsonl")
    online = FieldClient(world.deps, queue)
    info = world.check_in()
    offline_db = Database.open(CLOSED_PORT_URL)
    offline = FieldClient(replace(world.deps, session_factory=offline_db.session_factory), queue)
    world.clock.now = T0 + timedelta(minutes=31)
    delivery = offline.check_out(world.collector, CheckOut(info.visit_id or 0, outcome()))
    assert not delivery.delivered
    assert offline.pending() == 1
    assert offline.flush().remaining == 1  # still offline: kept
    offline_db.dispose()
    for minute in (32, 34, 36):  # the server side does not know the crew left
        world.clock.now = T0 + timedelta(minutes=minute)
        SafetyWatcher(world.deps).run_once()
    board = SafetyBoard(world.deps).snapshot(world.manager)
    assert board.rows[0].alarms[0].step == 3
    world.clock.now = T0 + timedelta(minutes=37)
    report = online.flush()
    assert (report.sent, report.remaining, report.rejected) == (1, 0, ())
    with world.db.session_factory() as s:
        visit = s.get_one(m.Visit, info.visit_id)
        assert visit.status == "closed"
        assert visit.departed_at == T0 + timedelta(minutes=31)  # when the crew really left
        states = set(s.scalars(select(m.Alarm.state)))
    assert states == {"cancelled"}
    board = SafetyBoard(world.deps).snapshot(world.manager)
    assert board.notices[0].notified == ("crew", "manager", "safety_lead")


def test_a_re_sent_event_applies_once(database: Database, tmp_path: Path) -> None:
    world = build_world(database)
    queue = LocalQueue(tmp_path / "outbox.jsonl")
    client = FieldClient(world.deps, queue, new_id=lambda: "0b7c6a4e-1111-4222-8333-944455556666")
    info = world.check_in()
    request = CheckOut(info.visit_id or 0, outcome())
    first = client.check_out(world.collector, request)
    again = client.check_out(world.collector, request)  # e.g. the answer was lost on the way
    assert first.result == again.result
    with world.db.session_factory() as s:
        assert len(s.scalars(select(m.VisitRecord)).all()) == 1
