"""Organisation records as typed inputs, parsed from text fields (command line, import, screen).

One parser per record kind, shared by every way in, so a team typed on the command line, a row
of an import file and a form on the Organisation screen are checked by the same rules; a bad
field raises ``FieldError`` naming the field, which the caller turns into its own message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from fieldvisit.domain.enums import Role
from fieldvisit.domain.messages import Message

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_REGION = re.compile(r"^[A-Z0-9]{1,16}$")
LANGUAGES = ("zh", "en")  # as fieldvisit.i18n; the domain does not import it


class FieldError(Exception):
    """One field of one record is wrong: ``field`` names it, ``message`` says what to fix."""

    def __init__(self, field: str, value: str, message_id: str, **params: object) -> None:
        super().__init__(f"{field}: {message_id}")
        self.field, self.value = field, value
        self.message = Message(message_id, dict(params))


@dataclass(frozen=True)
class TeamInput:
    code: str
    name: str
    profile: str
    timezone: str
    holiday_region: str | None = None


@dataclass(frozen=True)
class CreditorInput:
    code: str
    name: str
    currency: str | None = None


@dataclass(frozen=True)
class CrewInput:
    """A crew; ``None`` leaves a setting at the product default (``DayTemplate``)."""

    team: str
    name: str
    base_lat: float | None = None
    base_lon: float | None = None
    base_address: str | None = None
    shift_start: time | None = None
    shift_end: time | None = None
    break_earliest: time | None = None
    break_latest: time | None = None
    break_minutes: int | None = None
    max_visits: int | None = None
    speed_kmh: float | None = None


@dataclass(frozen=True)
class PersonInput:
    """A user; ``crew`` names a crew of the person's team to put them in."""

    username: str
    display_name: str
    role: Role
    team: str | None = None
    crew: str | None = None
    phone: str | None = None
    language: str | None = None


TEAM_FIELDS = ("code", "name", "profile", "timezone", "holiday_region")
CREDITOR_FIELDS = ("code", "name", "currency")
CREW_FIELDS = (
    "team", "name", "base_lat", "base_lon", "base_address", "shift_start", "shift_end",
    "break_earliest", "break_latest", "break_minutes", "max_visits", "speed_kmh",
)  # fmt: skip
PERSON_FIELDS = ("username", "display_name", "role", "team", "crew", "phone", "language")


def _text(values: Mapping[str, str], name: str, *, required: bool = False, size: int = 100) -> str:
    value = (values.get(name) or "").strip()
    if required and not value:
        raise FieldError(name, value, "org.error.required")
    if len(value) > size:
        raise FieldError(name, value, "org.error.too_long", size=size)
    return value


def _optional(values: Mapping[str, str], name: str, size: int = 100) -> str | None:
    return _text(values, name, size=size) or None


def _code(values: Mapping[str, str], name: str) -> str:
    value = _text(values, name, required=True, size=32)
    if not _CODE.match(value):
        raise FieldError(name, value, "org.error.code")
    return value


def _time(values: Mapping[str, str], name: str) -> time | None:
    value = _text(values, name)
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise FieldError(name, value, "org.error.time") from None


def _number(values: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    value = _text(values, name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise FieldError(name, value, "org.error.number", low=low, high=high) from None
    if not low <= number <= high:
        raise FieldError(name, value, "org.error.number", low=low, high=high)
    return number


def _whole(values: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = _text(values, name)
    if not value:
        return None
    if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
        raise FieldError(name, value, "org.error.whole", low=low, high=high)
    return int(value)


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this system has."""
    # Listing the zones walks the tz database's folders (about 12 ms): once, not once per row.
    return frozenset(available_timezones())


def check_timezone(name: str, value: str) -> str:
    """An IANA zone name (``Asia/Shanghai``); abbreviations and offsets are ambiguous."""
    if value not in known_zones():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise FieldError(name, value, "org.error.timezone") from None
    return value


def parse_team(values: Mapping[str, str], profiles: tuple[str, ...]) -> TeamInput:
    code = _code(values, "code")
    profile = _text(values, "profile", required=True, size=16).upper()
    if profile not in profiles:
        raise FieldError("profile", profile, "org.error.profile", allowed=", ".join(profiles))
    zone = check_timezone("timezone", _text(values, "timezone", required=True, size=64))
    region = _optional(values, "holiday_region", 16)
    if region is not None:
        _check_region(profile, region.upper())
    name = _text(values, "name", required=True)
    return TeamInput(code, name, profile, zone, region.upper() if region else None)


def _check_region(profile: str, region: str) -> None:
    """A subdivision the profile's holiday calendar knows (a German state, a UK nation)."""
    import holidays

    from fieldvisit.domain.compliance.profiles import load_profile

    country = load_profile(profile).holiday_country
    known = tuple(holidays.list_supported_countries().get(country, ()))
    if not _REGION.match(region) or region not in known:
        allowed = ", ".join(known) or "-"
        raise FieldError("holiday_region", region, "org.error.region", country=country,
                         allowed=allowed)  # fmt: skip


def parse_creditor(values: Mapping[str, str]) -> CreditorInput:
    code = _code(values, "code")
    name = _text(values, "name", required=True, size=200)
    currency = _optional(values, "currency", 3)
    if currency is not None and not _CURRENCY.match(currency.upper()):
        raise FieldError("currency", currency, "org.error.currency")
    return CreditorInput(code, name, currency.upper() if currency else None)


def parse_crew(values: Mapping[str, str]) -> CrewInput:
    crew = CrewInput(
        team=_code(values, "team"),
        name=_text(values, "name", required=True, size=64),
        base_lat=_number(values, "base_lat", -90, 90),
        base_lon=_number(values, "base_lon", -180, 180),
        base_address=_optional(values, "base_address", 300),
        shift_start=_time(values, "shift_start"),
        shift_end=_time(values, "shift_end"),
        break_earliest=_time(values, "break_earliest"),
        break_latest=_time(values, "break_latest"),
        break_minutes=_whole(values, "break_minutes", 0, 240),
        max_visits=_whole(values, "max_visits", 0, 100),
        speed_kmh=_number(values, "speed_kmh", 1, 200),
    )
    _check_day(crew)
    return crew


def _check_day(crew: CrewInput) -> None:
    if (crew.base_lat is None) != (crew.base_lon is None):
        missing = "base_lon" if crew.base_lon is None else "base_lat"
        raise FieldError(missing, "", "org.error.base_pair")
    if crew.shift_start and crew.shift_end and crew.shift_end <= crew.shift_start:
        raise FieldError("shift_end", crew.shift_end.isoformat("minutes"), "org.error.order",
                         first="shift_start")  # fmt: skip
    if crew.break_earliest and crew.break_latest and crew.break_latest <= crew.break_earliest:
        raise FieldError("break_latest", crew.break_latest.isoformat("minutes"),
                         "org.error.order", first="break_earliest")  # fmt: skip


def parse_person(values: Mapping[str, str]) -> PersonInput:
    username = _text(values, "username", required=True, size=64)
    if not _USERNAME.match(username):
        raise FieldError("username", username, "org.error.username")
    role_text = _text(values, "role", required=True).lower()
    roles = tuple(r.value for r in Role)
    if role_text not in roles:
        raise FieldError("role", role_text, "org.error.role", allowed=", ".join(roles))
    language = _optional(values, "language", 8)
    if language is not None and language not in LANGUAGES:
        raise FieldError("language", language, "org.error.language", allowed=", ".join(LANGUAGES))
    team = _optional(values, "team", 32)
    crew = _optional(values, "crew", 64)
    if crew and not team:
        raise FieldError("team", "", "org.error.crew_needs_team")
    return PersonInput(
        username, _text(values, "display_name") or username, Role(role_text), team, crew,
        _optional(values, "phone", 32), language,
    )  # fmt: skip
