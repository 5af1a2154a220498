"""Building each geopy geocoder from the settings, and reading how exact its answer is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.geocoding.settings import GeocodingSettings

# The datum each provider answers in; results are converted to WGS-84 on the way in.
DATUMS: Mapping[str, str] = {"nominatim": "wgs84", "baidu": "bd09", "arcgis": "wgs84"}
# OSM place ranks: 30 is a building or house number, 26-27 a street; see Nominatim's
# "Place Ranking" documentation.
_EXACT_RANK = 28
_EXACT_TYPES = frozenset({"house", "building", "apartments", "residential_building"})
_ARCGIS_EXACT_SCORE = 95


def build_geocoder(settings: GeocodingSettings) -> tuple[Any, dict[str, Any], str]:
    """The geopy geocoder, the keyword arguments of its ``geocode`` call, and its datum."""
    common: dict[str, Any] = {"timeout": settings.timeout_seconds}
    if settings.proxies is not None:
        common["proxies"] = dict(settings.proxies)
    if settings.provider == "baidu":
        from geopy.geocoders import BaiduV3

        geocoder = BaiduV3(api_key=settings.api_key, scheme=settings.scheme, **common)
        return geocoder, {}, DATUMS["baidu"]
    if settings.provider == "arcgis":
        from geopy.geocoders import ArcGIS

        return ArcGIS(scheme=settings.scheme, **common), {}, DATUMS["arcgis"]
    from geopy.geocoders import Nominatim

    geocoder = Nominatim(
        domain=settings.domain, scheme=settings.scheme, user_agent=settings.user_agent, **common
    )
    options = {"country_codes": settings.country_codes} if settings.country_codes else {}
    return geocoder, options, DATUMS["nominatim"]


def _nominatim_quality(raw: Mapping[str, Any]) -> GeocodeQuality:
    rank = raw.get("place_rank")
    if (isinstance(rank, int | str) and str(rank).isdigit() and int(rank) >= _EXACT_RANK) or (
        raw.get("type") in _EXACT_TYPES or raw.get("class") == "building"
    ):
        return GeocodeQuality.EXACT
    return GeocodeQuality.APPROXIMATE


def _baidu_quality(raw: Mapping[str, Any]) -> GeocodeQuality:
    # Baidu marks a point interpolated from a house number or building as ``precise: 1``.
    return GeocodeQuality.EXACT if raw.get("precise") == 1 else GeocodeQuality.APPROXIMATE


def _arcgis_quality(raw: Mapping[str, Any]) -> GeocodeQuality:
    score = raw.get("score", 0)
    exact = isinstance(score, int | float) and score >= _ARCGIS_EXACT_SCORE
    return GeocodeQuality.EXACT if exact else GeocodeQuality.APPROXIMATE


_QUALITY: Mapping[str, Callable[[Mapping[str, Any]], GeocodeQuality]] = {
    "nominatim": _nominatim_quality,
    "baidu": _baidu_quality,
    "arcgis": _arcgis_quality,
}


def interpret(provider: str, raw: Mapping[str, Any]) -> GeocodeQuality:
    return _QUALITY[provider](raw)
