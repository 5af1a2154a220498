"""The OSRM table client against a small OSRM-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from fieldvisit.routing.osrm import OsrmError, fetch_matrix
from fieldvisit.routing.travel import Point

POINTS = [Point(31.2304, 121.4737), Point(31.2401, 121.4990), Point(31.2000, 121.4500)]


class _Osrm(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/... with 100 s and 1000 m per index step, like a tiny OSRM."""

    mode: ClassVar[str] = "ok"
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Osrm.seen.append(self.path)
        if _Osrm.mode == "slow":
            time.sleep(1.0)
        if _Osrm.mode == "http500":
            self._send(500, {"code": "InternalError"})
            return
        coords = self.path.split("/table/v1/driving/")[1].split("?")[0].split(";")
        n = len(coords)
        body: dict[str, Any] = {
            "code": "Ok",
            "durations": [[100.5 * abs(i - j) for j in range(n)] for i in range(n)],
            "distances": [[1000.4 * abs(i - j) for j in range(n)] for i in range(n)],
        }
        if _Osrm.mode == "noroute":
            body["durations"][0][1] = None
        if _Osrm.mode == "nosegment":
            body = {"code": "NoSegment", "message": "Could not find a matching segment"}
        self._send(200, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Osrm.mode = "ok"
    _Osrm.seen.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_matrix_comes_from_the_table_service(server: str) -> None:
    m = fetch_matrix(server, POINTS)
    assert m.seconds[0][1] == 120  # 100.5 s rounded up to whole minutes
    assert m.seconds[0][2] == 240  # 201 s
    assert m.meters[0][2] == 2001
    assert _Osrm.seen[0].startswith("/table/v1/driving/121.473700,31.230400;")
    assert "annotations=duration%2Cdistance" in _Osrm.seen[0]


def test_missing_route_is_a_clear_error(server: str) -> None:
    _Osrm.mode = "noroute"
    with pytest.raises(OsrmError, match="no road"):
        fetch_matrix(server, POINTS)


def test_error_code_is_reported(server: str) -> None:
    _Osrm.mode = "nosegment"
    with pytest.raises(OsrmError, match="NoSegment"):
        fetch_matrix(server, POINTS)


def test_http_error_is_reported(server: str) -> None:
    _Osrm.mode = "http500"
    with pytest.raises(OsrmError, match="HTTP 500"):
        fetch_matrix(server, POINTS)


def test_timeout_is_reported(server: str) -> None:
    _Osrm.mode = "slow"
    with pytest.raises(OsrmError, match="cannot reach"):
        fetch_matrix(server, POINTS, timeout=0.2)


def test_unreachable_server_is_reported() -> None:
    with pytest.raises(OsrmError, match="cannot reach"):
        fetch_matrix("http://127.0.0.1:9", POINTS, timeout=1.0)
