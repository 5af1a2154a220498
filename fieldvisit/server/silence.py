"""The red banner's source: every server process checks that some safety watcher still beats.

Each process checks for itself (a dead leader cannot report its own death) and tells its own
connected managers and safety leads when the silence starts and ends; the database records and
audits each silence once, whichever process notices first.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from fieldvisit.domain.clock import Clock
from fieldvisit.server.events import Event, EventBus
from fieldvisit.services.field.notify_health import WatcherHealth

_log = logging.getLogger(__name__)


class SilenceMonitor:
    """Publishes ``watcher.silent`` / ``watcher.back`` to this process's streams on a change."""

    def __init__(
        self, health: WatcherHealth, bus: EventBus, clock: Clock, interval: float = 5.0
    ) -> None:
        self._health = health
        self._clock = clock
        self.started: datetime | None = None
        self._bus = bus
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.silent: bool | None = None  # None until the first check

    def start(self) -> None:
        self.started = self._clock()
        self._thread = threading.Thread(target=self._run, name="fieldvisit-silence", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def check(self) -> None:
        silent = self._health.note_silence(self._bus.origin, self.started)
        if silent != self.silent:
            self.silent = silent
            kind = "watcher.silent" if silent else "watcher.back"
            _log.warning("safety watchers: %s", kind)
            self._bus.publish_local(Event(kind, {"silent": silent}))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # the database is unreachable: the clients see that anyway
                _log.exception("watcher silence check failed")
            self._stop.wait(self._interval)
