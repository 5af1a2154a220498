"""The geopy adapter against a real HTTP server: found, not found, 429 with backoff, server down."""

from __future__ import annotations

import pytest

from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.domain.errors import ValidationError
from fieldvisit.geocoding.adapter import GeocoderUnavailableError, GeopyGeocoder
from fieldvisit.geocoding.settings import GeocodingSettings, settings_from_mapping
from tests.geocoding.nominatim_server import Behaviour, closed_port, nominatim_server, place

HOME = "上海市黄浦区南京东路100号"


class Sleeps:
    """A fast sleep with its own clock, remembering how long the adapter wanted to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1000.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def geocoder(settings: GeocodingSettings, sleeps: Sleeps) -> GeopyGeocoder:
    return GeopyGeocoder(settings, sleeps, sleeps.clock)


def local_settings(domain: str, **overrides: object) -> GeocodingSettings:
    values: dict[str, object] = {
        "domain": domain, "scheme": "http", "proxies": {}, "min_delay_seconds": 0.0,
        "timeout_seconds": 5.0, "max_retries": 3, "backoff_seconds": 0.5,
    }  # fmt: skip
    values.update(overrides)
    return GeocodingSettings(**values)  # type: ignore[arg-type]


def test_a_house_is_found_exactly() -> None:
    behaviour = Behaviour(places={HOME: place(31.2375, 121.4846)})
    with nominatim_server(behaviour) as domain:
        result = geocoder(local_settings(domain), Sleeps()).locate(HOME)
    assert (result.lat, result.lon, result.quality) == (31.2375, 121.4846, GeocodeQuality.EXACT)
    assert behaviour.queries == [HOME]


def test_a_street_is_only_approximate() -> None:
    behaviour = Behaviour(places={HOME: place(31.2375, 121.4846, rank=26, kind="residential")})
    with nominatim_server(behaviour) as domain:
        result = geocoder(local_settings(domain), Sleeps()).locate(HOME)
    assert result.quality == GeocodeQuality.APPROXIMATE


def test_not_found_is_failed_without_coordinates() -> None:
    with nominatim_server(Behaviour()) as domain:
        result = geocoder(local_settings(domain), Sleeps()).locate("查无此地")
    assert (result.lat, result.lon, result.quality) == (None, None, GeocodeQuality.FAILED)


def test_rate_limited_requests_are_retried_with_growing_waits() -> None:
    behaviour = Behaviour(places={HOME: place(31.2, 121.4)}, fail_next=[429, 429, 503])
    sleeps = Sleeps()
    with nominatim_server(behaviour) as domain:
        result = geocoder(local_settings(domain), sleeps).locate(HOME)
    assert result.quality == GeocodeQuality.EXACT
    assert len(behaviour.queries) == 4
    retry_waits = [w for w in sleeps.waits if w >= 0.5]
    assert retry_waits == [0.5, 1.0, 2.0]


def test_retry_after_is_respected() -> None:
    behaviour = Behaviour(places={HOME: place(31.2, 121.4)}, fail_next=[429], retry_after="7")
    sleeps = Sleeps()
    with nominatim_server(behaviour) as domain:
        geocoder(local_settings(domain), sleeps).locate(HOME)
    assert 7.0 in sleeps.waits


def test_giving_up_after_the_last_retry() -> None:
    behaviour = Behaviour(fail_next=[429] * 10)
    with nominatim_server(behaviour) as domain, pytest.raises(GeocoderUnavailableError):
        geocoder(local_settings(domain, max_retries=2), Sleeps()).locate(HOME)
    assert len(behaviour.queries) == 3


def test_server_down_is_unavailable_not_failed() -> None:
    sleeps = Sleeps()
    with pytest.raises(GeocoderUnavailableError) as caught:
        geocoder(local_settings(closed_port(), max_retries=1), sleeps).locate(HOME)
    assert caught.value.message.id == "geocode.error.unavailable"


def test_requests_are_paced_by_the_rate_limiter() -> None:
    behaviour = Behaviour(places={HOME: place(31.2, 121.4)})
    sleeps = Sleeps()
    with nominatim_server(behaviour) as domain:
        paced = geocoder(local_settings(domain, min_delay_seconds=1.0), sleeps)
        paced.locate(HOME)
        paced.locate(HOME)
    assert sleeps.waits == [1.0]


def test_settings_from_the_ini_section() -> None:
    settings = settings_from_mapping(
        {
            "provider": "nominatim",
            "domain": "geo.team.cn:8080",
            "scheme": "http",
            "max_retries": "2",
        }
    )
    assert (settings.domain, settings.scheme, settings.max_retries) == (
        "geo.team.cn:8080",
        "http",
        2,
    )
    with pytest.raises(ValidationError):
        settings_from_mapping({"provider": "google"})
    with pytest.raises(ValidationError):
        settings_from_mapping({"provider": "baidu"})  # Baidu needs a key
