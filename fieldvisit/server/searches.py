"""Searches a desktop started on this server, so that its Cancel stops the search itself.

The desktop names each planning call with a random token. Cancel posts the token back; the
server that runs the search (this one, or another on the same database, told by the event bus)
then terminates the solver's child process, so a cancelled search stops using the server's cores
at once instead of running to its time limit. Only the user who started a search may stop it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fieldvisit.domain.errors import ConflictError
from fieldvisit.domain.progress import CancelCheck

# The event that carries a cancel to the other servers; never told to a client (no audience).
CANCEL_EVENT = "search.cancel"
TOKEN_PATTERN = r"^[0-9a-f]{32}$"
# Cancels of searches not (yet) under way here, remembered: a Cancel pressed at once can arrive
# before its call. The oldest are forgotten first.
EARLY_CANCELS = 1000


@dataclass
class Searches:
    """The searches under way in this process, by token: who started each, and its stop flag."""

    _running: dict[str, tuple[int, threading.Event]] = field(default_factory=dict)
    _early: dict[str, int] = field(default_factory=dict)  # token -> the user who cancelled
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def running(self, token: str | None, user_id: int) -> Iterator[CancelCheck | None]:
        """While the block runs, ``cancel(token, user_id)`` makes the check it yields true."""
        if token is None:
            yield None
            return
        flag = threading.Event()
        with self._lock:
            if token in self._running:
                raise ConflictError("server.error.search_token_taken")
            self._running[token] = (user_id, flag)
            if self._early.pop(token, None) == user_id:
                flag.set()
        try:
            yield flag.is_set
        finally:
            with self._lock:
                self._running.pop(token, None)

    def cancel(self, token: str, user_id: int) -> bool:
        """Stop the search ``token`` if ``user_id`` started it here; whether one was stopped."""
        with self._lock:
            entry = self._running.get(token)
            if entry is None:
                self._early[token] = user_id
                while len(self._early) > EARLY_CANCELS:
                    del self._early[next(iter(self._early))]
        if entry is None or entry[0] != user_id:
            return False
        entry[1].set()
        return True

    def on_event(self, data: dict[str, Any]) -> None:
        """A cancel another server received (``CANCEL_EVENT``)."""
        self.cancel(str(data.get("token")), int(data.get("user_id", -1)))
