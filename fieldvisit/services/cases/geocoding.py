"""Locating imported addresses (in the background, cancellable) and placing them by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.coords import DATUMS, to_wgs84
from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.geocoding.adapter import Geocoder, GeocodeResult, GeocoderUnavailableError
from fieldvisit.geocoding.zones import ZoneFinder
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m
from fieldvisit.storage.geocode_cache import GeocodeCacheRepository, pending_address_ids

MANUAL_SOURCE = "manual"


@dataclass(frozen=True)
class GeocodeSummary:
    """What one run did; ``unavailable`` holds the provider's error when it went offline."""

    exact: int = 0
    approximate: int = 0
    failed: int = 0
    cached: int = 0
    pending: int = 0
    unavailable: str | None = None


@dataclass(frozen=True)
class PlacedAddress:
    address_id: int
    lat: float
    lon: float
    quality: str
    timezone: str


def normalise_query(text: str) -> str:
    """One cache key per address however it was spaced."""
    return re.sub(r"\s+", " ", text).strip()


def _no_progress(done: int, total: int) -> None:
    return None


def _never() -> bool:
    return False


class GeocodingService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        geocoder: Geocoder,
        clock: Clock,
        audit: AuditLog,
        *,
        zone_finder: ZoneFinder | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._geocoder = geocoder
        self._clock = clock
        self._audit = audit
        self._zone_finder = zone_finder

    def pending(self) -> int:
        with self._session_factory() as session:
            return len(pending_address_ids(session))

    def geocode_pending(
        self,
        progress: ProgressCallback = _no_progress,
        cancelled: CancelCheck = _never,
        limit: int | None = None,
    ) -> GeocodeSummary:
        """Locate every pending address: from the cache, else from the provider.

        Each address commits on its own (a user action here is "locate this address"): a run of
        hours at one request per second keeps its work when cancelled, and never holds a long
        transaction. Once the provider is unreachable, the rest is served from the cache only.
        """
        with self._session_factory() as session:
            ids = pending_address_ids(session, limit)
        summary = GeocodeSummary()
        online = True
        for done, address_id in enumerate(ids):
            if cancelled():
                break
            progress(done, len(ids))
            try:
                summary = self._locate_one(address_id, summary, online=online)
            except GeocoderUnavailableError as exc:
                online = False
                summary = replace(summary, unavailable=str(exc.params.get("detail", "")))
        progress(len(ids), len(ids))
        with self._session_factory() as session:
            return replace(summary, pending=len(pending_address_ids(session)))

    def _locate_one(
        self, address_id: int, summary: GeocodeSummary, *, online: bool
    ) -> GeocodeSummary:
        with self._session_factory.begin() as session:
            address = session.get(m.Address, address_id)
            if address is None or address.geocode_quality != GeocodeQuality.NONE.value:
                return summary
            query = normalise_query(address.text)
            cache = GeocodeCacheRepository(session, self._geocoder.provider, self._clock())
            cached = cache.get(query)
            if cached is not None:
                result = GeocodeResult(
                    query, cached.lat, cached.lon, GeocodeQuality(cached.quality)
                )
                summary = replace(summary, cached=summary.cached + 1)
            elif online:
                result = self._geocoder.locate(query)
                cache.put(query, result.lat, result.lon, result.quality.value, result.raw)
            else:
                return summary
            self._apply(address, result, self._geocoder.provider)
            field = result.quality.value
            return replace(summary, **{field: getattr(summary, field) + 1})

    def _apply(self, address: m.Address, result: GeocodeResult, source: str) -> None:
        # A failed address keeps no coordinates: it is flagged for a person, never guessed.
        address.lat, address.lon = result.lat, result.lon
        address.geocode_quality = result.quality.value
        address.geocode_source = source
        address.geocoded_at = self._clock()
        if result.lat is not None and result.lon is not None:
            address.timezone = self._zone(result.lat, result.lon, address.timezone)

    def _zone(self, lat: float, lon: float, current: str) -> str:
        if self._zone_finder is None:
            return current
        return self._zone_finder(lat, lon) or current

    def place_manually(
        self,
        address_id: int,
        lat: float,
        lon: float,
        *,
        datum: str = "wgs84",
        actor: Actor | None = None,
    ) -> PlacedAddress:
        """Put an address where a person says it is (coordinates in ``datum``), audited."""
        if actor is not None:
            require(actor, Permission.IMPORT_DATA)
        if datum not in DATUMS:
            raise ValidationError("geocode.error.bad_datum", datum=datum)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValidationError("geocode.error.bad_coordinates", lat=lat, lon=lon)
        point = to_wgs84(datum, lon, lat)
        with self._session_factory.begin() as session:
            address = session.get(m.Address, address_id)
            if address is None:
                raise NotFoundError("geocode.error.address_missing", address_id=address_id)
            before = _location(address)
            result = GeocodeResult(
                "", round(point.lat, 7), round(point.lon, 7), GeocodeQuality.MANUAL
            )
            self._apply(address, result, MANUAL_SOURCE)
            self._audit.record(
                session,
                actor_id=None if actor is None else actor.user_id,
                action="address.place_manually",
                entity_type="address",
                entity_id=address.id,
                before=before,
                after={**_location(address), "datum_given": datum},
            )
            return PlacedAddress(
                address.id, point.lat, point.lon, address.geocode_quality, address.timezone
            )


def _location(address: m.Address) -> dict[str, Any]:
    return {
        "lat": address.lat,
        "lon": address.lon,
        "quality": address.geocode_quality,
        "timezone": address.timezone,
    }
