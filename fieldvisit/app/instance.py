"""One desktop app per database: a lock file beside its data, and a local socket to find the first.

Two windows on one SQLite database would run two safety watchers (double alarms) and compete as
writers. The first start holds a ``QLockFile`` (a dead holder's lock is taken over, by process
id) and listens on a local socket; a second start asks it to bring its window forward, then
explains and exits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from fieldvisit.app.config import data_dir

RAISE_REQUEST = b"raise\n"
ACKNOWLEDGED = b"ok\n"
_TIMEOUT_MS = 1500


def lock_path(db_url: str) -> Path:
    """Beside a SQLite database (its data folder); in the user's data folder for a server."""
    from fieldvisit.storage.database import parse_url, sqlite_path

    database_file = sqlite_path(parse_url(db_url))
    if database_file is not None:
        return database_file.with_name(database_file.name + ".lock")
    url = parse_url(db_url)
    # Without the password, so everyone connecting to one database shares one name.
    identity = f"{url.drivername}://{url.host}:{url.port}/{url.database}"
    return data_dir() / f"instance-{hashlib.sha256(identity.encode()).hexdigest()[:12]}.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: shown to the second start."""

    pid: int
    host: str


class InstanceLock(QObject):
    """The lock of one database; ``acquire`` once, ``release`` at exit."""

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._lock = QLockFile(str(path))
        self._lock.setStaleLockTime(0)  # stale only when the holder's process is gone
        self._server: QLocalServer | None = None
        self._on_raise: Callable[[], None] | None = None

    @property
    def server_name(self) -> str:
        digest = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        return f"fieldvisit-{digest}"

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return bool(self._lock.tryLock(100))

    def holder(self) -> Holder | None:
        pid, host, _app = self._lock.getLockInfo()
        return Holder(int(pid), str(host)) if pid > 0 else None

    def listen(self, on_raise: Callable[[], None]) -> None:
        """Answer a later start's request by calling ``on_raise`` (bring the window forward)."""
        self._on_raise = on_raise
        server = QLocalServer(self)
        QLocalServer.removeServer(self.server_name)  # left behind by a crashed first start
        server.listen(self.server_name)
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server

    def ask_holder_to_raise(self) -> bool:
        """True when the first start answered (its window is coming forward)."""
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(_TIMEOUT_MS):
            return False
        socket.write(RAISE_REQUEST)
        socket.flush()
        answered = socket.waitForReadyRead(_TIMEOUT_MS) and socket.readAll().data() == ACKNOWLEDGED
        socket.disconnectFromServer()
        return answered

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is None:
            return

        def on_ready() -> None:
            if bytes(socket.readAll().data()).startswith(RAISE_REQUEST.strip()):
                if self._on_raise is not None:
                    self._on_raise()
                socket.write(ACKNOWLEDGED)
                socket.flush()
            socket.disconnectFromServer()

        socket.readyRead.connect(on_ready)
        socket.disconnected.connect(socket.deleteLater)
