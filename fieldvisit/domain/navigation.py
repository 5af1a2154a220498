"""Links that open a phone's map app at a stop, each in the datum that app expects.

Amap and Apple Maps (inside mainland China) take GCJ-02, Baidu takes BD-09, Google takes WGS-84.
The label is neutral (the stop's number): the map app is a third party and learns nothing about
the debtor or the debt.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from fieldvisit.domain.coords import wgs84_to_bd09, wgs84_to_gcj02

MAP_APPS: tuple[str, ...] = ("amap", "baidu", "apple", "google")


@dataclass(frozen=True)
class NavigationLink:
    app: str
    url: str


def _amap(lat: float, lon: float, label: str) -> str:
    gcj = wgs84_to_gcj02(lon, lat)
    query = {"position": f"{gcj.lon:.6f},{gcj.lat:.6f}", "name": label, "callnative": "1"}
    return "https://uri.amap.com/marker?" + urlencode(query, quote_via=quote)


def _baidu(lat: float, lon: float, label: str) -> str:
    bd = wgs84_to_bd09(lon, lat)
    query = {
        "location": f"{bd.lat:.6f},{bd.lon:.6f}",
        "title": label,
        "content": label,
        "coord_type": "bd09ll",
        "output": "html",
        "src": "fieldvisit",
    }
    return "https://api.map.baidu.com/marker?" + urlencode(query, quote_via=quote)


def _apple(lat: float, lon: float, label: str) -> str:
    gcj = wgs84_to_gcj02(lon, lat)  # unchanged outside China, where Apple uses WGS-84
    query = {"ll": f"{gcj.lat:.6f},{gcj.lon:.6f}", "q": label}
    return "https://maps.apple.com/?" + urlencode(query, quote_via=quote)


def _google(lat: float, lon: float, _label: str) -> str:
    query = {"api": "1", "query": f"{lat:.6f},{lon:.6f}"}
    return "https://www.google.com/maps/search/?" + urlencode(query, quote_via=quote)


_BUILDERS = {"amap": _amap, "baidu": _baidu, "apple": _apple, "google": _google}


def navigation_links(lat: float, lon: float, label: str) -> tuple[NavigationLink, ...]:
    """One link per map app for a WGS-84 point, in the order of ``MAP_APPS``."""
    return tuple(NavigationLink(app, _BUILDERS[app](lat, lon, label)) for app in MAP_APPS)
