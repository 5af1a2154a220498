"""The server's watcher raises a missed check-out as its grace ends, not an interval later."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

from fieldvisit.server.events import Event
from fieldvisit.server.watcher import LeaderWatcher
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0, build_world

INTERVAL = 5.0  # the server's default: a fixed-interval watcher is up to this late


class RunningClock:
    """Simulated time from T0, ``speed`` times the wall clock (a shift's hours in a second)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.started = time.monotonic()

    def __call__(self) -> datetime:
        return T0 + timedelta(seconds=(time.monotonic() - self.started) * self.speed)

    def wall_at(self, instant: datetime) -> float:
        return self.started + (instant - T0).total_seconds() / self.speed


def test_the_alarm_is_raised_within_a_slice_of_the_grace_end(sqlite_url: str) -> None:
    database = Database.open(sqlite_url)
    migrate.upgrade(database.engine)
    world = build_world(database)
    session = world.check_in()
    alarm_due = session.expected_end + timedelta(minutes=session.grace_minutes)
    # The alarm falls due 1.5 s of wall time from now, between two of a fixed interval's passes.
    clock = RunningClock((alarm_due - T0).total_seconds() / 1.5)
    raised = threading.Event()
    raised_at: list[float] = []
    told: list[Event] = []

    def publish(event: Event) -> None:
        if event.kind == "alarm.raised" and not raised.is_set():
            raised_at.append(time.monotonic())
            told.append(event)
            raised.set()

    watcher = SafetyWatcher(replace(world.deps, clock=clock), "leader")
    leader = LeaderWatcher(database.engine, watcher, publish, interval=INTERVAL, clock=clock)
    leader.start()
    try:
        assert raised.wait(INTERVAL + 2)
    finally:
        leader.stop()
    delay = raised_at[0] - clock.wall_at(alarm_due)
    assert 0 <= delay < 1.0, f"alarm {delay:.2f} s after the grace period ended"
    # Told to the crew's team's managers, never to the crew itself (it may be a duress alarm).
    assert (told[0].team_id, told[0].crew_id) == (world.team_id, None)
