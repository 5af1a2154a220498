"""Changes pushed to connected clients; between server processes they travel by NOTIFY.

An event names what changed (a round, a safety session) and carries ids only: a client that
cares fetches the thing through the API, where its role decides what it may see. A kind with a
handler (``EventBus.handlers``) is for the servers themselves and is never told to a client.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from fieldvisit.domain.access import Actor, Permission, allows, sees_all_teams
from fieldvisit.domain.enums import Role
from fieldvisit.storage import signals

_log = logging.getLogger(__name__)
QUEUE_LIMIT = 1000  # a client this far behind reconnects and re-reads

# Which permission a kind of event needs; a round's events also go to its crew.
AUDIENCE: dict[str, Permission] = {
    "round.submitted": Permission.APPROVE_ROUND,
    "round.approved": Permission.PLAN_ROUND,
    "round.rejected": Permission.PLAN_ROUND,
    "safety.checked_in": Permission.WATCH_SAFETY,
    "safety.checked_out": Permission.WATCH_SAFETY,
    "alarm.raised": Permission.WATCH_SAFETY,
    "alarm.acknowledged": Permission.WATCH_SAFETY,
    "watcher.silent": Permission.WATCH_SAFETY,  # the red banner (server/silence.py)
    "watcher.back": Permission.WATCH_SAFETY,
}


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict[str, Any]
    team_id: int | None = None  # None: every team
    crew_id: int | None = None
    origin: str = ""  # the process that published it

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "data": self.data,
                "team_id": self.team_id,
                "crew_id": self.crew_id,
                "origin": self.origin,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Event:
        raw = json.loads(text)
        return cls(raw["kind"], raw["data"], raw["team_id"], raw["crew_id"], raw["origin"])


def may_receive(actor: Actor, event: Event) -> bool:
    """Whether ``actor`` is told about ``event``: the right role, and their team or crew."""
    needed = AUDIENCE.get(event.kind)
    if needed is None:  # a kind nobody declared an audience for is told to nobody
        return False
    own_crew = event.crew_id is not None and event.crew_id in actor.crew_ids
    if actor.role is Role.COLLECTOR or not allows(actor, needed):
        return own_crew
    return sees_all_teams(actor) or event.team_id is None or event.team_id == actor.team_id


@dataclass
class _Subscriber:
    actor: Actor
    queue: asyncio.Queue[Event | None]
    loop: asyncio.AbstractEventLoop


@dataclass
class EventBus:
    """Fan-out to this process's streams; NOTIFY to the other processes on PostgreSQL."""

    engine: Engine
    origin: str
    _subscribers: dict[int, _Subscriber] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    listening: threading.Event = field(default_factory=threading.Event)
    # Kinds the server processes act on themselves (a search's cancel), by kind.
    handlers: dict[str, Callable[[dict[str, Any]], None]] = field(default_factory=dict)

    @property
    def shared(self) -> bool:
        return signals.supports_signals(self.engine)

    def start(self) -> None:
        if not self.shared:
            self.listening.set()
            return
        self._thread = threading.Thread(
            target=signals.listen,
            args=(self.engine, self._on_notify, self._stop),
            kwargs={"ready": self.listening},
            name="fieldvisit-events",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for subscriber in list(self._subscribers.values()):
            subscriber.loop.call_soon_threadsafe(subscriber.queue.put_nowait, None)

    def publish(self, event: Event) -> None:
        """Tell every process (this one included, through its own LISTEN on PostgreSQL)."""
        event = Event(event.kind, event.data, event.team_id, event.crew_id, self.origin)
        if self.shared:
            try:
                signals.notify(self.engine, event.to_json())
                return
            except Exception:  # the change itself is saved; clients fall back to polling
                _log.exception("could not publish %s", event.kind)
        self._deliver(event)

    def publish_local(self, event: Event) -> None:
        """Tell this process's streams only (what every process finds out for itself)."""
        self._deliver(Event(event.kind, event.data, event.team_id, event.crew_id, self.origin))

    def subscribe(self, actor: Actor) -> tuple[int, asyncio.Queue[Event | None]]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_LIMIT)
        with self._lock:
            key = next(self._ids)
            self._subscribers[key] = _Subscriber(actor, queue, asyncio.get_running_loop())
        return key, queue

    def unsubscribe(self, key: int) -> None:
        with self._lock:
            self._subscribers.pop(key, None)

    def _on_notify(self, payload: str) -> None:
        try:
            self._deliver(Event.from_json(payload))
        except (ValueError, KeyError):
            _log.warning("ignored a malformed event: %.200s", payload)

    def _deliver(self, event: Event) -> None:
        handler = self.handlers.get(event.kind)
        if handler is not None:
            handler(event.data)
            return
        with self._lock:
            targets = [s for s in self._subscribers.values() if may_receive(s.actor, event)]
        for subscriber in targets:
            subscriber.loop.call_soon_threadsafe(_offer, subscriber.queue, event)


def _offer(queue: asyncio.Queue[Event | None], event: Event) -> None:
    if queue.full():  # too far behind: end the stream; the client reconnects and re-reads
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
        return
    queue.put_nowait(event)


Publisher = Callable[[Event], None]
