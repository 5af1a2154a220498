"""The server's event stream on a background thread, published on the desktop's local hub.

Screens subscribe to the hub (through ``ui.change_bridge``) as they do on SQLite. A lost
connection is retried with growing pauses; once it is back, ``connection.restored`` tells the
screens to re-read what they show (they may have missed events meanwhile).
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from typing import Any

import httpx

from fieldvisit.app.remote_client import ServerConnection, SignedOutError
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.services.field.notify_channels import ChangeNotice, PushHub

_log = logging.getLogger(__name__)
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
CONNECTED = "connection.restored"
LOST = "connection.lost"


class EventFeed:
    """Reads ``/api/v1/events`` until stopped; every event becomes a ``ChangeNotice``."""

    def __init__(self, connection: ServerConnection, hub: PushHub) -> None:
        self._connection = connection
        self._hub = hub
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: httpx.Response | None = None
        self.connected = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fieldvisit-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        response = self._response
        if response is not None:
            _interrupt(response)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        pause = FIRST_PAUSE
        while not self._stop.is_set():
            try:
                self._read()
                pause = FIRST_PAUSE
            except SignedOutError:
                try:
                    self._connection.refresh(self._connection.access_token())
                except FieldVisitError:
                    _log.info("event stream: signed out, stopping")
                    return
                continue
            except (httpx.HTTPError, FieldVisitError, OSError, RuntimeError) as exc:
                _log.info("event stream lost (%s); retrying in %.0f s", type(exc).__name__, pause)
            if self.connected.is_set():
                self.connected.clear()
                self._publish(LOST, {})
            self._stop.wait(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    def _read(self) -> None:
        response = self._connection.stream("events")
        self._response = response
        try:
            if response.status_code == 401:
                raise SignedOutError("server.error.token_expired")
            response.raise_for_status()
            kind = ""
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith(": connected"):
                    self._on_connected()
                elif line.startswith("event: "):
                    kind = line[len("event: ") :]
                elif line.startswith("data: ") and kind:
                    body = json.loads(line[len("data: ") :])
                    self._publish(kind, body.get("data", {}))
        finally:
            self._response = None
            response.close()

    def _on_connected(self) -> None:
        self.connected.set()
        self._publish(CONNECTED, {})
        # The banner's state now: its events only tell of changes.
        state = self._connection.get("watcher")
        self._publish("watcher.silent" if state.get("silent") else "watcher.back", {})

    def _publish(self, kind: str, data: dict[str, Any]) -> None:
        self._hub.publish(ChangeNotice(kind, data), "")


def _interrupt(response: httpx.Response) -> None:
    """End a read blocked on another thread: closing the response does not wake it, shutting
    its socket down does."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)
