"""What a printed route sheet shows: a crew's approved day, personal data already masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SheetStop:
    seq: int
    arrive: datetime | None
    start: datetime | None
    end: datetime | None
    windows: tuple[tuple[datetime, datetime], ...]  # allowed whole-visit intervals, local time
    case_number: str
    debtor: str  # masked unless the reader may see full personal data
    address: str  # likewise
    lat: float | None
    lon: float | None
    risk_tier: str  # low | medium | high
    daylight_only: bool
    two_person: bool
    precautions: tuple[str, ...]  # message ids or the note author's own words
    exceptions: tuple[str, ...]  # rule ids the manager approved for this stop


@dataclass(frozen=True)
class RouteSheetDoc:
    round_id: int
    version: int
    status: str
    team: str
    crew: str
    members: tuple[str, ...]
    plan_date: date
    timezone: str
    depart: datetime | None
    return_: datetime | None
    base: tuple[float, float] | None
    approver: str | None
    approved_at: datetime | None
    approval_reason: str | None
    rule_profile: str
    ruleset_version: str
    travel_seconds: int
    travel_meters: int
    stops: tuple[SheetStop, ...]
