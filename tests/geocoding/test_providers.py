"""Provider specifics: quality flags per provider, and Baidu's BD-09 converted to WGS-84."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from fieldvisit.domain import coords
from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.geocoding.adapter import GeopyGeocoder
from fieldvisit.geocoding.providers import build_geocoder, interpret
from tests.geocoding.test_adapter import Sleeps, local_settings

WGS = coords.LonLat(121.4737, 31.2304)  # People's Square, Shanghai
BD = coords.wgs84_to_bd09(*WGS)


@pytest.mark.parametrize(
    ("provider", "raw", "quality"),
    [
        ("nominatim", {"place_rank": 30, "type": "yes"}, GeocodeQuality.EXACT),
        ("nominatim", {"place_rank": "26", "type": "residential"}, GeocodeQuality.APPROXIMATE),
        ("nominatim", {"class": "building", "type": "yes"}, GeocodeQuality.EXACT),
        ("baidu", {"precise": 1}, GeocodeQuality.EXACT),
        ("baidu", {"precise": 0}, GeocodeQuality.APPROXIMATE),
        ("arcgis", {"score": 98.5}, GeocodeQuality.EXACT),
        ("arcgis", {"score": 80}, GeocodeQuality.APPROXIMATE),
    ],
)
def test_quality_flags(provider: str, raw: dict[str, Any], quality: GeocodeQuality) -> None:
    assert interpret(provider, raw) is quality


def test_each_provider_names_its_datum() -> None:
    assert build_geocoder(local_settings("geo.team.cn:8080"))[2] == "wgs84"
    nominatim = build_geocoder(local_settings("geo.team.cn:8080"))[0]
    assert (nominatim.domain, nominatim.scheme) == ("geo.team.cn:8080", "http")
    assert build_geocoder(local_settings("x", provider="baidu", api_key="ak"))[2] == "bd09"
    assert build_geocoder(local_settings("x", provider="arcgis"))[2] == "wgs84"


class _BaiduHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(
            {
                "status": 0,
                "result": {
                    "location": {"lng": BD.lon, "lat": BD.lat},
                    "precise": 1,
                    "confidence": 80,
                    "level": "门址",
                },
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@contextmanager
def baidu_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BaiduHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/geocoding/v3/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_baidu_answers_are_converted_from_bd09_to_wgs84() -> None:
    sleeps = Sleeps()
    geocoder = GeopyGeocoder(
        local_settings("unused", provider="baidu", api_key="ak"), sleeps, sleeps.clock
    )
    with baidu_server() as url:
        # geopy fixes Baidu's host; the test points it at the local server, nothing else changes.
        geocoder._geocoder.api = url
        result = geocoder.locate("上海市人民广场")
    assert result.quality is GeocodeQuality.EXACT
    assert (result.lon, result.lat) == pytest.approx(WGS, abs=5e-6)
