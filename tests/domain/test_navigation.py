"""Navigation links put the stop where each map app will draw it, and say nothing of the debtor."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from fieldvisit.domain.coords import bd09_to_wgs84, gcj02_to_wgs84
from fieldvisit.domain.navigation import MAP_APPS, navigation_links

SHANGHAI = (31.2304, 121.4737)  # WGS-84
BOSTON = (42.3601, -71.0589)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def _links(lat: float, lon: float) -> dict[str, str]:
    return {link.app: link.url for link in navigation_links(lat, lon, "第3站")}


def test_one_link_per_app_in_order() -> None:
    assert tuple(link.app for link in navigation_links(*SHANGHAI, "1")) == MAP_APPS


def test_amap_gets_gcj02_that_converts_back_to_the_stop() -> None:
    lon, lat = (float(x) for x in _query(_links(*SHANGHAI)["amap"])["position"].split(","))
    assert (lon, lat) != pytest.approx((SHANGHAI[1], SHANGHAI[0]), abs=1e-4)  # really shifted
    back = gcj02_to_wgs84(lon, lat)
    assert (back.lat, back.lon) == pytest.approx(SHANGHAI, abs=2e-5)


def test_baidu_gets_bd09_that_converts_back_to_the_stop() -> None:
    query = _query(_links(*SHANGHAI)["baidu"])
    assert query["coord_type"] == "bd09ll"
    lat, lon = (float(x) for x in query["location"].split(","))
    back = bd09_to_wgs84(lon, lat)
    assert (back.lat, back.lon) == pytest.approx(SHANGHAI, abs=2e-5)


def test_outside_china_every_app_gets_the_plain_point() -> None:
    links = _links(*BOSTON)
    assert _query(links["google"])["query"] == "42.360100,-71.058900"
    assert _query(links["apple"])["ll"] == "42.360100,-71.058900"
    assert _query(links["amap"])["position"] == "-71.058900,42.360100"


def test_the_label_is_the_only_text_sent() -> None:
    for url in _links(*SHANGHAI).values():
        texts = {v for k, v in _query(url).items() if k in {"name", "title", "content", "q"}}
        assert texts <= {"第3站"}
