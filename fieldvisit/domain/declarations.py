"""A debtor's declarations as typed inputs: declared windows and blackouts, consents and notices.

Parsed from text fields (import rows, the case detail pane, the check-out dialog) by the same
rules; a bad field raises ``FieldError`` naming it. COMPLIANCE.md asks for the source and the
date of every declaration, so both are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from fieldvisit.domain.enums import AvailabilityKind, ConsentKind, Place
from fieldvisit.domain.organisation import FieldError

SOURCES = ("debtor", "visit", "import", "creditor")
_WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
    **{str(i + 1): i for i in range(7)},  # ISO: 1 = Monday
}


@dataclass(frozen=True)
class AvailabilityInput:
    """Every day when neither ``weekday`` (0 = Monday) nor ``on_date`` is set."""

    case: str
    creditor: str | None
    kind: AvailabilityKind
    weekday: int | None
    on_date: date | None
    start: time
    end: time
    place: Place | None
    source: str
    declared_on: date
    note: str | None = None


@dataclass(frozen=True)
class ConsentInput:
    case: str
    creditor: str | None
    kind: ConsentKind
    given_on: date
    valid_until: date | None
    evidence: str | None


def _get(values: Mapping[str, str], name: str) -> str:
    return (values.get(name) or "").strip()


def _required(values: Mapping[str, str], name: str) -> str:
    value = _get(values, name)
    if not value:
        raise FieldError(name, value, "org.error.required")
    return value


def _date(values: Mapping[str, str], name: str, *, required: bool = False) -> date | None:
    value = _required(values, name) if required else _get(values, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(name, value, "org.error.date") from None


def _time(values: Mapping[str, str], name: str) -> time:
    value = _required(values, name)
    if value in ("24:00", "24:00:00"):
        return time.max  # the end of the day, as "until midnight" is said
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise FieldError(name, value, "org.error.time") from None


def _choice(values: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = _required(values, name).lower()
    if value not in allowed:
        raise FieldError(name, value, "org.error.choice", allowed=", ".join(allowed))
    return value


def parse_availability(values: Mapping[str, str]) -> AvailabilityInput:
    kind = AvailabilityKind(_choice(values, "kind", tuple(k.value for k in AvailabilityKind)))
    weekday_text = _get(values, "weekday").lower()
    if weekday_text and weekday_text[:3] not in _WEEKDAYS and weekday_text not in _WEEKDAYS:
        raise FieldError("weekday", weekday_text, "org.error.weekday")
    weekday = _WEEKDAYS.get(weekday_text, _WEEKDAYS.get(weekday_text[:3])) if weekday_text else None
    on_date = _date(values, "date")
    if weekday is not None and on_date is not None:
        raise FieldError("date", on_date.isoformat(), "org.error.weekday_or_date")
    start, end = _time(values, "start"), _time(values, "end")
    if end <= start:
        raise FieldError("end", _get(values, "end"), "org.error.order", first="start")
    place_text = _get(values, "place").lower()
    places = tuple(p.value for p in Place if p is not Place.THIRD_PARTY)
    if place_text and place_text not in places:
        raise FieldError("place", place_text, "org.error.choice", allowed=", ".join(places))
    declared = _date(values, "declared_on", required=True)
    assert declared is not None
    return AvailabilityInput(
        _required(values, "case"), _get(values, "creditor") or None, kind, weekday, on_date,
        start, end, Place(place_text) if place_text else None,
        _choice(values, "source", SOURCES), declared, _get(values, "note") or None,
    )  # fmt: skip


def parse_consent(values: Mapping[str, str]) -> ConsentInput:
    kind = ConsentKind(_choice(values, "kind", tuple(k.value for k in ConsentKind)))
    given = _date(values, "given_on", required=True)
    assert given is not None
    until = _date(values, "valid_until")
    if until is not None and until < given:
        raise FieldError("valid_until", until.isoformat(), "org.error.order", first="given_on")
    evidence = _get(values, "evidence")[:300] or None
    return ConsentInput(
        _required(values, "case"), _get(values, "creditor") or None, kind, given, until, evidence
    )


class DoorstepKind(StrEnum):
    INCONVENIENT = "inconvenient"  # "don't come at these times"
    NO_VISITS_HERE = "no_visits_here"  # "don't come to this address again"


@dataclass(frozen=True)
class DoorstepDeclaration:
    """What the debtor declared at the door, recorded with the check-out of that visit.

    ``weekday`` (0 = Monday) None means every day. A refusal of visits covers the whole day at
    the visit's address; inconvenient times need ``end`` after ``start``.
    """

    kind: DoorstepKind
    weekday: int | None = None
    start: time = time(0, 0)
    end: time = time.max
    note: str | None = None

    def __post_init__(self) -> None:
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise FieldError("weekday", str(self.weekday), "org.error.weekday")
        if self.kind is DoorstepKind.NO_VISITS_HERE:
            # The whole day, every day, whatever the form still showed.
            object.__setattr__(self, "weekday", None)
            object.__setattr__(self, "start", time(0, 0))
            object.__setattr__(self, "end", time.max)
        elif self.end <= self.start:
            raise FieldError("end", self.end.isoformat("minutes"), "org.error.order",
                             first="start")  # fmt: skip

    def availability(
        self, case: str, creditor: str | None, place: Place | None, declared_on: date
    ) -> AvailabilityInput:
        """The blackout to store for the visit's case; a refusal is bound to ``place``."""
        bound = place if self.kind is DoorstepKind.NO_VISITS_HERE else None
        return AvailabilityInput(
            case, creditor, AvailabilityKind.BLACKOUT, self.weekday, None, self.start,
            self.end, bound, "visit", declared_on, self.note,
        )  # fmt: skip
