"""PostgreSQL's messaging between processes: NOTIFY/LISTEN for events, advisory locks for leaders.

On SQLite there is one process, so ``supports_signals`` is False and callers stay in-process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

EVENTS_CHANNEL = "fieldvisit_events"
MIGRATION_LOCK = 0x46560001  # "FV" and 1: one `db upgrade` at a time
WATCHER_LOCK = 0x46560002  # the one safety watcher among the team servers
_log = logging.getLogger(__name__)


def supports_signals(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def notify(engine: Engine, payload: str, channel: str = EVENTS_CHANNEL) -> None:
    """Send ``payload`` to every listener on ``channel`` (delivered once committed)."""
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": payload})


def listen(
    engine: Engine,
    deliver: Callable[[str], None],
    stop: threading.Event,
    channel: str = EVENTS_CHANNEL,
    ready: threading.Event | None = None,
) -> None:
    """Call ``deliver`` with each payload on ``channel`` until ``stop``; reconnects when cut off."""
    while not stop.is_set():
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f"LISTEN {channel}")
                if ready is not None:
                    ready.set()
                raw = connection.connection.driver_connection
                while not stop.is_set():
                    for note in raw.notifies(timeout=0.5):  # type: ignore[union-attr]
                        deliver(note.payload)
        except Exception:  # a restarted database must not end the server's event stream
            _log.exception("event listener lost its connection; reconnecting")
            stop.wait(1.0)


@contextmanager
def session_lock(engine: Engine, key: int) -> Iterator[Connection | None]:
    """Hold advisory lock ``key`` for the life of the block on its own connection, if free.

    Yields the connection that holds it (the lock dies with it, so a killed holder frees it),
    or None when another session holds it.
    """
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        if not got:
            yield None
            return
        try:
            yield connection
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        connection.close()


def still_held(connection: Connection) -> bool:
    """Whether the lock-holding connection is still alive (a dead one lost its lock)."""
    try:
        connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
