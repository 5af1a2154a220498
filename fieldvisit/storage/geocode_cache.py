"""The geocode cache table and the address rows the geocoder fills in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldvisit.storage import models as m

QUERY_LENGTH = 300  # the column's size; longer addresses are cut consistently on read and write


class GeocodeCacheRepository:
    """Cache rows of one provider inside the caller's session; never commits."""

    def __init__(self, session: Session, provider: str, now: datetime) -> None:
        self._session = session
        self._provider = provider
        self._now = now

    def get(self, query: str) -> m.GeocodeCache | None:
        return self._session.scalar(
            select(m.GeocodeCache).where(
                m.GeocodeCache.provider == self._provider,
                m.GeocodeCache.query == query[:QUERY_LENGTH],
            )
        )

    def put(self, query: str, lat: float | None, lon: float | None, quality: str, raw: Any) -> None:
        self._session.add(
            m.GeocodeCache(
                provider=self._provider,
                query=query[:QUERY_LENGTH],
                lat=lat,
                lon=lon,
                quality=quality,
                raw=raw,
                created_at=self._now,
            )
        )
        self._session.flush()


def pending_address_ids(session: Session, limit: int | None = None) -> list[int]:
    """Addresses never located (quality ``none``), oldest first."""
    statement = (
        select(m.Address.id).where(m.Address.geocode_quality == "none").order_by(m.Address.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def count_by_quality(session: Session) -> dict[str, int]:
    statement = select(m.Address.geocode_quality, func.count()).group_by(m.Address.geocode_quality)
    return {str(row[0]): int(row[1]) for row in session.execute(statement)}
