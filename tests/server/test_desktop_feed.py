"""The desktop's event stream: it survives a server restart (and says so, so screens re-read),
and closing the window ends its thread at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fieldvisit.app.remote_client import server_address
from fieldvisit.app.remote_events import CONNECTED, LOST
from fieldvisit.app.wiring import open_remote
from fieldvisit.services.field.notify_channels import AlarmNotice, ChangeNotice
from tests.server import support
from tests.server.support import DEMO_PASSWORD, ServerProcess, TestClock, fresh_database

pytestmark = pytest.mark.postgres


def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_the_stream_comes_back_after_a_restart_and_stops_at_once_when_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = TestClock(tmp_path / "now", datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        server = ServerProcess(url, tmp_path, clock, "--no-watcher")
        backend = open_remote(server_address(server.base.removesuffix("/api/v1")))
        try:
            backend.services.auth.login("mgr.sh-e", DEMO_PASSWORD)
            kinds: list[str] = []

            def record(notice: AlarmNotice | ChangeNotice, _address: str) -> None:
                if isinstance(notice, ChangeNotice):
                    kinds.append(notice.kind)

            backend.hub.subscribe(record)
            backend.feed.start()
            _until(lambda: CONNECTED in kinds, 10)
            server.kill()
            _until(lambda: LOST in kinds, 10)
            monkeypatch.setattr(support, "free_port", lambda: server.port)  # the same address
            server = ServerProcess(url, tmp_path, clock, "--no-watcher")
            _until(lambda: kinds.count(CONNECTED) == 2, 30)  # the pauses grow: 1 s, 2 s, …
            assert kinds.index(LOST) < len(kinds) - kinds[::-1].index(CONNECTED) - 1
            closing = time.monotonic()
            backend.close()  # the window closes: no waiting for the next keep-alive line
            assert time.monotonic() - closing < 1.0
        finally:
            backend.close()
            server.stop()
        assert not [t for t in threading.enumerate() if t.name == "fieldvisit-feed"]
