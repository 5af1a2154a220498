"""What a printed route sheet shows: a crew's day as approved, personal data masked by role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fieldvisit.domain.messages import Message


@dataclass(frozen=True)
class SheetStop:
    seq: int
    arrive: datetime | None
    start: datetime | None
    end: datetime | None
    windows: tuple[tuple[datetime, datetime], ...]  # allowed whole-visit intervals, local time
    case_number: str
    debtor: str  # masked unless the reader is the round's crew (or a manager) for its day
    address: str  # likewise
    lat: float | None
    lon: float | None
    risk_tier: str  # low | medium | high
    daylight_only: bool
    two_person: bool
    precautions: tuple[str, ...]  # message ids or the note author's own words
    exceptions: tuple[Message, ...]  # the exceptions that need a manager's approval
    approval: str = "none"  # none | pending | approved | rejected: what became of them


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
    rules_changed: bool = False  # today's rules allow other windows than the approved ones
    full_data: bool = False  # addresses and names printed in full (the crew's own sheet)
