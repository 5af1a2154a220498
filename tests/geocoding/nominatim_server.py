"""A small Nominatim-compatible HTTP server on 127.0.0.1 for the geocoding tests (no mocks)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Behaviour:
    """What the server answers: known places, and statuses to send before answering."""

    places: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_next: list[int] = field(default_factory=list)  # e.g. [429, 503]: then answer normally
    retry_after: str | None = None
    queries: list[str] = field(default_factory=list)


def place(lat: float, lon: float, *, rank: int = 30, kind: str = "house") -> dict[str, Any]:
    """A result as Nominatim's /search?format=json returns it."""
    return {
        "place_id": 1,
        "lat": str(lat),
        "lon": str(lon),
        "display_name": "test place",
        "class": "place",
        "type": kind,
        "place_rank": rank,
        "importance": 0.5,
    }


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = parse_qs(url.query).get("q", [""])[0]
            behaviour.queries.append(query)
            if url.path != "/search":
                self._send(404, b"not found")
            elif behaviour.fail_next:
                self._send(behaviour.fail_next.pop(0), b'{"error": "busy"}')
            else:
                found = behaviour.places.get(query)
                self._send(200, json.dumps([found] if found else []).encode())

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if status == 429 and behaviour.retry_after:
                self.send_header("Retry-After", behaviour.retry_after)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def nominatim_server(behaviour: Behaviour) -> Iterator[str]:
    """Serve ``behaviour`` on a free port; yields ``host:port`` for Nominatim(domain=...)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> str:
    """An address where nothing listens: the server-down case."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    address = f"127.0.0.1:{server.server_address[1]}"
    server.server_close()
    return address
