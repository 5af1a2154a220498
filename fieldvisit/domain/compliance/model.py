"""Value objects the compliance engine reads and returns: wall-clock times, contacts, candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fieldvisit.domain.compliance.intervals import MINUTES_PER_DAY, Spans, normalize
from fieldvisit.domain.enums import CaseState, Channel, Place, Severity
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.messages import Message

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def parse_hhmm(value: str, field_name: str = "time") -> int:
    """``"HH:MM"`` (``"24:00"`` allowed) as minutes from local midnight."""
    match = _HHMM.match(value) if isinstance(value, str) else None
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValidationError("compliance.input.bad_time", field=field_name, value=str(value))
    return minutes


def format_hhmm(minutes: int) -> str:
    """Minutes from midnight as ``"HH:MM"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WallInterval:
    """Local wall-clock time ``[start, end)`` in minutes from midnight.

    ``end <= start`` means the interval wraps past midnight; on a given date it then covers
    ``[start, 24:00)`` and ``[00:00, end)`` of that same date (a nightly "22:00–06:00" blackout).
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < MINUTES_PER_DAY and 0 <= self.end <= MINUTES_PER_DAY):
            raise ValidationError("compliance.input.bad_interval", start=self.start, end=self.end)

    @classmethod
    def parse(cls, start: str, end: str) -> WallInterval:
        """From ``"HH:MM"`` strings; ``end`` may be ``"24:00"``."""
        return cls(parse_hhmm(start, "start"), parse_hhmm(end, "end"))

    def spans(self) -> Spans:
        """The minutes this interval covers on one date."""
        if self.start < self.end:
            return ((self.start, self.end),)
        return normalize(((self.start, MINUTES_PER_DAY), (0, self.end)))

    def __str__(self) -> str:
        return f"{format_hhmm(self.start)}–{format_hhmm(self.end)}"


@dataclass(frozen=True)
class Contact:
    """One entry of the debtor's contact ledger."""

    at: datetime
    channel: Channel
    contacted: bool

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValidationError("compliance.input.naive_datetime", field="history.at")


@dataclass(frozen=True)
class Candidate:
    """A visit the planner would like to make to one debtor on ``plan_date``.

    ``windows`` and ``blackouts`` are the debtor's declarations already resolved for the plan date
    (see ``declarations.resolve``); no windows means any time the rules allow.
    ``planned_same_day`` counts the *other* visits to this debtor already planned that date.
    ``crew_size`` ``None`` means no crew is chosen yet, so ``min_collectors`` is not checked.
    ``requested_start`` (optional) also checks one concrete slot and reports what it breaks.
    """

    debtor_id: str
    timezone: str
    plan_date: date
    case_state: CaseState = CaseState.ACTIVE
    flags: frozenset[str] = frozenset()
    place: Place = Place.HOME
    lat: float | None = None
    lon: float | None = None
    service_minutes: int = 30
    windows: tuple[WallInterval, ...] = ()
    blackouts: tuple[WallInterval, ...] = ()
    history: tuple[Contact, ...] = ()
    planned_same_day: int = 0
    crew_size: int | None = None
    requested_start: datetime | None = None

    def __post_init__(self) -> None:
        # Callers at the boundary often hold lists and sets: freeze them so verdicts can be cached.
        for name, kind in (("flags", frozenset), ("windows", tuple), ("blackouts", tuple)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind(value))
        if not isinstance(self.history, tuple):
            object.__setattr__(self, "history", tuple(self.history))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("compliance.input.bad_timezone", value=self.timezone) from exc
        if not 0 < self.service_minutes <= MINUTES_PER_DAY:
            raise ValidationError("compliance.input.bad_service", value=self.service_minutes)
        if self.planned_same_day < 0 or (self.crew_size is not None and self.crew_size < 0):
            raise ValidationError("compliance.input.negative_count", debtor=self.debtor_id)
        if self.requested_start is not None and self.requested_start.utcoffset() is None:
            raise ValidationError("compliance.input.naive_datetime", field="requested_start")
        if (self.lat is None) != (self.lon is None) or not _valid_coords(self.lat, self.lon):
            raise ValidationError("compliance.input.bad_location", lat=self.lat, lon=self.lon)


def _valid_coords(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return True
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


@dataclass(frozen=True)
class Source:
    """The legal or policy source of a rule, readable in every supported language."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The source in ``lang`` (English for any language other than Chinese)."""
        return self.zh if lang == "zh" else self.en

    def plus(self, other: Source) -> Source:
        """Both sources, e.g. a legal rule tightened by the organisation's policy."""
        return Source(f"{self.zh}；{other.zh}", f"{self.en}; {other.en}")


@dataclass(frozen=True)
class Violation:
    """One rule a visit breaks: ``rule`` is ``<profile>.<rule>`` or ``<profile>.state.<state>``."""

    rule: str
    severity: Severity
    message: Message
    source: Source
    #: True when the violation depends on the time of the visit rather than the whole day.
    slot: bool = field(default=False, compare=True)
