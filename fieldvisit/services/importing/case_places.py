"""A case row's place columns: a located home, the address's own time zone and jurisdiction, the
case's rule profile, and the creditor's currency for new cases."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.compliance.profiles import available_profiles
from fieldvisit.domain.enums import GeocodeQuality
from fieldvisit.domain.import_rows import RowError, Validation, ValidRow
from fieldvisit.domain.messages import Message
from fieldvisit.domain.organisation import FieldError, check_timezone
from fieldvisit.storage import models as m

_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
DEFAULT_CURRENCY = "CNY"  # the schema's default, for a creditor whose currency is not stated


def creditor_currency(session: Session, creditor_id: int) -> str:
    """New cases are in their creditor's currency."""
    found = session.scalar(select(m.Creditor.currency).where(m.Creditor.id == creditor_id))
    return found or DEFAULT_CURRENCY


def _coordinate(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if -limit <= value <= limit else None


def _row_errors(values: Mapping[str, Any]) -> list[tuple[str, str, Message]]:
    found: list[tuple[str, str, Message]] = []
    lat, lon = values.get("home_lat") or "", values.get("home_lon") or ""
    for name, text, limit in (("home_lat", lat, 90.0), ("home_lon", lon, 180.0)):
        if text and _coordinate(text, limit) is None:
            found.append((name, text, Message("org.error.number", {"low": -limit, "high": limit})))
    if bool(lat) != bool(lon):
        found.append(("home_lon" if lat else "home_lat", "", Message("org.error.location_pair")))
    zone = values.get("timezone") or ""
    if zone:
        try:
            check_timezone("timezone", zone)
        except FieldError as error:
            found.append(("timezone", zone, error.message))
    place = (values.get("jurisdiction") or "").upper()
    if place and not _JURISDICTION.match(place):
        found.append(("jurisdiction", place, Message("org.error.jurisdiction")))
    profile = values.get("rule_profile") or ""
    if profile and profile not in available_profiles():
        allowed = ", ".join(available_profiles())
        found.append(("rule_profile", profile, Message("org.error.profile", {"allowed": allowed})))
    return found


def place_errors(validation: Validation) -> list[RowError]:
    """Every bad place column of every row, named by its header."""
    return [
        RowError(row.row, validation.header_of(field), value, message)
        for row in validation.valid
        for field, value, message in _row_errors(row.values)
    ]


def home_location(row: ValidRow, now: datetime) -> dict[str, Any]:
    """A home located by the file itself (WGS-84), so it needs no geocoding."""
    lat, lon = row.values.get("home_lat"), row.values.get("home_lon")
    if not lat or not lon:
        return {}
    return {"lat": float(lat), "lon": float(lon), "geocode_quality": GeocodeQuality.EXACT.value,
            "geocode_source": "import", "geocoded_at": now}  # fmt: skip
