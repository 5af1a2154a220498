"""The server's safety watcher in a process of its own, so request handling cannot slow a pass.

A watcher thread inside the server shares one interpreter lock with every request: under load a
pass that takes 0.15 s alone took 1–2 s, and a missed check-out reached the boards seconds late.
The child opens its own connections, competes for the lock among the server's processes as
before, and publishes its alarms by NOTIFY like any other process. It ends with its parent, even
one killed outright, so the lock is freed and another server takes over.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PARENT_POLL = 0.5  # seconds between looks at whether the parent is still there
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WatcherSettings:
    """What the child needs to open the database as the server does (no live objects)."""

    url: str
    audit_key: Path | None
    clock_file: Path | None
    interval: float
    log_level: str
    parent_pid: int


class WatcherProcess:
    """Starts and stops the watcher child; ``leader`` is set while the child holds the lock."""

    def __init__(self, settings: WatcherSettings) -> None:
        self._settings = settings
        self._context = multiprocessing.get_context("spawn")
        self.leader = self._context.Event()
        self._stop = self._context.Event()
        self._process: Any = None

    def start(self) -> None:
        # Started from the server's main thread: the child's parent-death signal follows the
        # thread that created it.
        self._process = self._context.Process(
            target=run_child,
            args=(self._settings, self.leader, self._stop),
            name="fieldvisit-watcher",
            daemon=True,
        )
        self._process.start()

    def stop(self) -> None:
        self._stop.set()
        if self._process is None:
            return
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self.leader.clear()


def run_child(settings: WatcherSettings, leader: Any, stop: Any) -> None:
    """The child's whole life: watch while the parent lives and has not asked it to stop."""
    _die_with_parent(settings.parent_pid)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(name)s [watcher] %(message)s"
    )
    from fieldvisit.app.cli_serve import clock_of
    from fieldvisit.app.wiring import open_audit, open_backend
    from fieldvisit.server.events import EventBus
    from fieldvisit.server.watcher import LeaderWatcher

    clock = clock_of(settings.clock_file)
    audit = open_audit(settings.url, clock, settings.audit_key) if settings.audit_key else None
    backend = open_backend(settings.url, clock=clock, upgrade=False, audit=audit)
    watcher = backend.watcher()
    bus = EventBus(backend.database.engine, f"{watcher.watcher_id}:watcher")
    leading = LeaderWatcher(
        backend.database.engine,
        watcher,
        bus.publish,
        interval=settings.interval,
        clock=clock,
        leader=leader,
    )
    leading.start()
    try:
        while not stop.wait(PARENT_POLL) and os.getppid() == settings.parent_pid:
            pass
    finally:
        leading.stop()  # clears ``leader`` as it ends
        backend.close()


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the parent dies; the poll covers other systems."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request above took effect
        os._exit(0)
