"""The safety watcher inside the server: one leader among the processes, by advisory lock.

Every process tries the lock every ``interval``; the holder runs the watcher's passes, each as
soon as a session's timer falls due (at most ``interval`` apart). The lock
lives on the holder's own connection, so a killed or cut-off leader frees it and another
process takes over within one interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

from fieldvisit.domain.clock import Clock, system_clock
from fieldvisit.server.events import Event
from fieldvisit.services.field.watch import SafetyWatcher, WatchReport
from fieldvisit.storage import signals

_log = logging.getLogger(__name__)
DUE_SLICE = 0.1  # seconds between looks at the clock while a timer is pending


class Flag(Protocol):
    """A threading or multiprocessing event: whether this process (or its child) leads."""

    def set(self) -> None: ...
    def clear(self) -> None: ...
    def is_set(self) -> bool: ...


class Watching(Protocol):
    """What the server starts and stops: a watcher thread here, or a watcher process."""

    @property
    def leader(self) -> Flag: ...

    def start(self) -> None: ...
    def stop(self) -> None: ...


class LeaderWatcher:
    """Runs ``watcher`` while this process holds the watcher lock (always on SQLite)."""

    def __init__(
        self,
        engine: Engine,
        watcher: SafetyWatcher,
        publish: Callable[[Event], None],
        interval: float = 5.0,
        clock: Clock = system_clock,
        leader: Flag | None = None,
    ) -> None:
        self._engine = engine
        self._watcher = watcher
        self._clock = clock
        self._publish = publish
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.leader: Flag = leader if leader is not None else threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fieldvisit-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if signals.supports_signals(self._engine):
                    self._lead_if_free()
                else:
                    self._lead(None)
            except Exception:  # an unreachable database: try again next interval
                _log.exception("safety watcher stopped; trying again")
            self.leader.clear()
            self._stop.wait(self._interval)

    def _lead_if_free(self) -> None:
        with signals.session_lock(self._engine, signals.WATCHER_LOCK) as held:
            if held is None:
                return
            _log.info("this server now runs the safety watcher (%s)", self._watcher.watcher_id)
            self._lead(lambda: signals.still_held(held))

    def _lead(self, alive: Callable[[], bool] | None) -> None:
        self.leader.set()
        while not self._stop.is_set() and (alive is None or alive()):
            due: datetime | None = None
            try:
                report = self._watcher.run_once()
                self._announce(report)
                due = report.next_due
            except Exception:
                _log.exception("safety watch pass failed; retrying in %s s", self._interval)
            self._wait_for(due)

    def _wait_for(self, due: datetime | None) -> None:
        """Until the next timer falls due by the watcher's clock, at most one interval.

        The clock is read every slice rather than slept on, so a timer is met within a slice
        whatever the clock (a test clock may run faster than the wall's).
        """
        waited = 0.0
        while waited < self._interval and not self._stop.is_set():
            slice_ = min(DUE_SLICE, self._interval - waited)
            self._stop.wait(slice_)  # first, so a timer already past never spins the loop
            waited += slice_
            if due is not None and self._clock() >= due:
                return

    def _announce(self, report: WatchReport) -> None:
        for raised in report.raised:
            self._publish(
                Event(
                    "alarm.raised",
                    {
                        "session_id": raised.session_id,
                        "kind": raised.alarm.kind.value,
                        "step": raised.alarm.step,
                    },
                    # Never the crew: a duress alarm must not show on the collector's screen.
                    team_id=raised.team_id,
                )
            )
