"""The ``fieldvisit solve`` problem as typed, validated data (spec/solve.md, version 1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    timezone: str | None = None


@dataclass(frozen=True)
class Span:
    """Local ``[start, end)`` in minutes from midnight on the problem's date."""

    start: int
    end: int


@dataclass(frozen=True)
class BreakSpec:
    earliest: int
    latest: int
    minutes: int


@dataclass(frozen=True)
class CrewSpec:
    id: str
    members: tuple[str, ...]
    start: Point
    end: Point
    shift: Span
    break_: BreakSpec | None
    max_visits: int | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    channel: str
    contacted: bool


@dataclass(frozen=True)
class VisitSpec:
    id: str
    case_id: str
    debtor_id: str
    location: Point
    place: str
    service_minutes: int
    priority: int
    required: bool
    windows: tuple[Span, ...]
    blackouts: tuple[Span, ...]
    case_state: str
    flags: frozenset[str]
    history: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class MatrixSpec:
    ids: tuple[str, ...]
    seconds: tuple[tuple[int, ...], ...]
    meters: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class TravelSpec:
    speed_kmh: float = 30.0
    detour_factor: float = 1.3
    matrix: MatrixSpec | None = None


@dataclass(frozen=True)
class SolveProblem:
    date: date
    timezone: str
    profile: str
    lang: str
    policy: Mapping[str, Any]
    crews: tuple[CrewSpec, ...]
    visits: tuple[VisitSpec, ...]
    travel: TravelSpec
    time_limit_seconds: float
    seed: int
    iterations: int | None = None  # tests and benchmarks only: not part of the file format
