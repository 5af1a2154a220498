"""Geocoding settings: which provider, where its server is, how fast to ask, how to find zones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fieldvisit.domain.errors import ValidationError

PROVIDERS: tuple[str, ...] = ("nominatim", "baidu", "arcgis")


@dataclass(frozen=True)
class GeocodingSettings:
    """The ``[geocoding]`` section of the settings file, validated.

    ``domain``/``scheme`` point Nominatim at a team's own server (``geo.example.cn:8080``, http).
    ``timezone_library`` names an optional package that derives a zone from coordinates
    (``timezonefinder``); without it an address keeps the zone its import or team gave it.
    """

    provider: str = "nominatim"
    domain: str = "nominatim.openstreetmap.org"
    scheme: str = "https"
    api_key: str | None = None
    user_agent: str = "FieldVisit"
    country_codes: str | None = "cn"
    min_delay_seconds: float = 1.0  # the public Nominatim usage policy: at most 1 request/s
    timeout_seconds: float = 10.0
    max_retries: int = 4
    backoff_seconds: float = 2.0
    timezone_library: str | None = None
    proxies: Mapping[str, str] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValidationError(
                "geocode.error.bad_provider", provider=self.provider, allowed=", ".join(PROVIDERS)
            )
        if self.provider in ("baidu",) and not self.api_key:
            raise ValidationError("geocode.error.needs_key", provider=self.provider)
        if self.min_delay_seconds < 0 or self.max_retries < 0 or self.backoff_seconds < 0:
            raise ValueError("delays and retries must not be negative")


def settings_from_mapping(section: Mapping[str, str]) -> GeocodingSettings:
    """Settings from an INI section (strings); missing keys keep their defaults."""
    values: dict[str, object] = {}
    for name in ("provider", "domain", "scheme", "api_key", "user_agent"):
        if section.get(name, "").strip():
            values[name] = section[name].strip()
    for name in ("country_codes", "timezone_library"):
        if name in section:
            values[name] = section[name].strip() or None
    for name in ("min_delay_seconds", "timeout_seconds", "backoff_seconds"):
        if section.get(name, "").strip():
            values[name] = float(section[name])
    if section.get("max_retries", "").strip():
        values["max_retries"] = int(section["max_retries"])
    return GeocodingSettings(**values)  # type: ignore[arg-type]
