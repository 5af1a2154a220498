"""Real team servers for tests: a fresh PostgreSQL database with the demo, uvicorn processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests import pg_demo

PG_ENV = "FIELDVISIT_TEST_PG_URL"
DEMO_PASSWORD = "demo1234"
ROOT = Path(__file__).resolve().parents[2]


def pg_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        if os.environ.get("FIELDVISIT_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} is needed")
        pytest.skip(f"team server tests need {PG_ENV}")
    return url


@contextmanager
def fresh_database(*, demo_today: Any = None, migrated: bool = True) -> Iterator[str]:
    """A new database at the newest schema (with the demo, if ``demo_today``); dropped after."""
    admin_url = make_url(pg_admin_url())
    if demo_today is not None:
        name = pg_demo.demo_copy(admin_url, demo_today)
    else:
        name = f"fv_server_{uuid.uuid4().hex[:10]}"
        pg_demo.execute(admin_url, f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        if migrated and demo_today is None:
            database = Database.open(url)
            migrate.upgrade(database.engine)
            database.dispose()
        yield url
    finally:
        pg_demo.drop(admin_url, name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestClock:
    """The server's clock, a file the server re-reads: tests move time across processes."""

    __test__ = False

    def __init__(self, path: Path, start: datetime) -> None:
        self.path = path
        self.set(start)

    def set(self, instant: datetime) -> None:
        self.now = instant
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(instant.isoformat(), encoding="utf-8")
        # A distinct modification time even within one clock tick of the file system.
        stamp = time.time_ns()
        os.utime(temporary, ns=(stamp, stamp))
        temporary.replace(self.path)


class ServerProcess:
    """``fieldvisit serve`` in its own process on a free loopback port."""

    def __init__(self, db_url: str, folder: Path, clock: TestClock, *extra: str) -> None:
        key = folder / "audit.key"
        if not key.exists():  # the demo's chain is signed with the demo's public key
            write_key_file(key, DEMO_AUDIT_KEY)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.log = folder / f"server-{self.port}.log"
        command = [
            sys.executable, "-m", "fieldvisit", "serve", "--db", db_url,
            "--port", str(self.port), "--clock-file", str(clock.path),
            "--audit-key", str(folder / "audit.key"), "--log-level", "info", *extra,
        ]  # fmt: skip
        env = os.environ | {
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CONFIG_HOME": str(folder / "config"),
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server not up in {timeout} s: {self.log.read_text()[-3000:]}")

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.base}/health", timeout=5.0).json()
        return result

    def kill(self) -> None:
        """As a crash would: no shutdown, the database connections just drop."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Api:
    """One signed-in user's HTTP client."""

    def __init__(self, base: str, token: str | None = None, refresh: str | None = None) -> None:
        self.base = base
        self.token = token
        self.refresh_token = refresh
        self.http = httpx.Client(base_url=base, timeout=60.0)

    @classmethod
    def sign_in(cls, base: str, username: str, password: str = DEMO_PASSWORD) -> Api:
        answer = httpx.post(
            f"{base}/auth/sign-in", json={"username": username, "password": password}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return cls(base, body["access_token"], body["refresh_token"])

    def refresh(self) -> None:
        """New tokens, as a client does when its access token has expired."""
        answer = httpx.post(f"{self.base}/auth/refresh", json={"refresh_token": self.refresh_token})
        assert answer.status_code == 200, answer.text
        self.token, self.refresh_token = (
            answer.json()["access_token"],
            answer.json()["refresh_token"],
        )

    def headers(self) -> dict[str, str]:
        return {} if self.token is None else {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path.lstrip("/"), headers=self.headers(), **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


class EventListener:
    """Reads one user's event stream on a thread; ``next_event`` waits for a kind."""

    def __init__(self, api: Api) -> None:
        import queue
        import threading

        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.connected = threading.Event()
        self._client = httpx.Client(base_url=api.base, timeout=httpx.Timeout(5.0, read=None))
        self._headers = api.headers()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.connected.wait(10), "event stream did not open"

    def _read(self) -> None:
        import json

        kind = ""
        try:
            with self._client.stream("GET", "events", headers=self._headers) as response:
                assert response.status_code == 200
                for line in response.iter_lines():
                    if line.startswith(": connected"):
                        self.connected.set()
                    elif line.startswith("event: "):
                        kind = line[len("event: ") :]
                    elif line.startswith("data: "):
                        body = json.loads(line[len("data: ") :])
                        self.events.put(body | {"received": time.monotonic(), "event": kind})
        except (httpx.HTTPError, RuntimeError):  # closed by the test
            return

    def next_event(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        import queue

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} event within {timeout} s")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event["kind"] == kind:
                return event

    def kinds(self) -> list[str]:
        found = []
        while not self.events.empty():
            found.append(self.events.get_nowait()["kind"])
        return found

    def close(self) -> None:
        self._client.close()
        self._thread.join(timeout=5)
