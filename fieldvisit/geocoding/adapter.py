"""The one geocoder adapter: geopy behind a small interface, paced, retried, converted to WGS-84."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
)
from geopy.extra.rate_limiter import RateLimiter

from fieldvisit.domain.coords import to_wgs84
from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.geocoding.providers import build_geocoder, interpret
from fieldvisit.geocoding.settings import GeocodingSettings

_log = logging.getLogger(__name__)
Sleep = Callable[[float], None]
Monotonic = Callable[[], float]
MAX_WAIT_SECONDS = 120.0
# Errors no retry can fix: a bad key or a refused query is a configuration problem.
_PERMANENT = (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
)


@dataclass(frozen=True)
class GeocodeResult:
    """Where an address is (WGS-84) and how sure we are; ``failed`` carries no coordinates."""

    query: str
    lat: float | None
    lon: float | None
    quality: GeocodeQuality
    raw: dict[str, Any] | None = None


class GeocoderUnavailableError(FieldVisitError):
    """The provider cannot be reached or keeps refusing; the addresses stay pending."""


class Geocoder(Protocol):
    provider: str

    def locate(self, query: str) -> GeocodeResult: ...


class _PacedCalls(RateLimiter):  # type: ignore[misc]
    """geopy's RateLimiter (untyped) with an injectable sleep, so tests need not wait for real."""

    def __init__(
        self, func: Callable[..., Any], sleep: Sleep, clock: Monotonic, min_delay_seconds: float
    ) -> None:
        super().__init__(
            func, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False
        )
        self._sleep_function = sleep
        self._clock_function = clock

    def _sleep(self, seconds: float) -> None:
        self._sleep_function(seconds)

    def _clock(self) -> float:
        return self._clock_function()


class GeopyGeocoder:
    """Nominatim, Baidu v3 or ArcGIS as configured; retries 429/5xx/timeouts with backoff."""

    def __init__(
        self,
        settings: GeocodingSettings,
        sleep: Sleep = time.sleep,
        clock: Monotonic = time.monotonic,
    ) -> None:
        self.settings = settings
        self.provider = settings.provider
        self._sleep = sleep
        self._geocoder, self._options, self._datum = build_geocoder(settings)
        self._paced = _PacedCalls(self._geocoder.geocode, sleep, clock, settings.min_delay_seconds)

    def locate(self, query: str) -> GeocodeResult:
        """The best match of ``query``; a query the provider cannot find comes back ``failed``."""
        location = self._ask(query)
        if location is None:
            return GeocodeResult(query, None, None, GeocodeQuality.FAILED, None)
        raw = dict(location.raw) if isinstance(location.raw, dict) else {"raw": str(location.raw)}
        point = to_wgs84(self._datum, float(location.longitude), float(location.latitude))
        quality = interpret(self.provider, raw)
        return GeocodeResult(query, round(point.lat, 7), round(point.lon, 7), quality, raw)

    def _ask(self, query: str) -> Any:
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            try:
                return self._paced(query, exactly_one=True, **self._options)
            except GeocoderServiceError as exc:
                # GeocoderRateLimited subclasses GeocoderQuotaExceeded, yet a 429 is worth a retry.
                permanent = isinstance(exc, _PERMANENT) and not isinstance(exc, GeocoderRateLimited)
                if permanent or attempt + 1 == attempts:
                    raise self._unavailable(exc) from exc
                wait = self._backoff(attempt, exc)
                _log.info("geocoder %s: %s; retry in %.1f s", self.provider, exc, wait)
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, exc: Exception) -> float:
        # A 429 may say how long to wait; otherwise double the wait after each failure.
        retry_after = (
            getattr(exc, "retry_after", None) if isinstance(exc, GeocoderRateLimited) else None
        )
        wait = float(retry_after) if retry_after else self.settings.backoff_seconds * 2**attempt
        return min(wait, MAX_WAIT_SECONDS)

    def _unavailable(self, exc: Exception) -> GeocoderUnavailableError:
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return GeocoderUnavailableError(
            "geocode.error.unavailable", provider=self.provider, detail=detail, pending="?"
        )
