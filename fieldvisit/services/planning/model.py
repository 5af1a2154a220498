"""Plain results of planning: proposed stops with ETAs and checks, and what was left out why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fieldvisit.domain.enums import Severity
from fieldvisit.domain.messages import Message
from fieldvisit.services.planning.eligibility_model import (
    Eligibility,
    Reason,
    RuleSetUsed,
    SlotCheck,
    TimeInterval,
)


@dataclass(frozen=True)
class PlannedStop:
    case_id: int
    case_number: str
    address_id: int
    lat: float
    lon: float
    arrive: datetime
    start: datetime
    end: datetime
    travel_seconds_before: int
    pinned: bool
    check: SlotCheck  # the compliance re-check of this exact slot
    windows: tuple[TimeInterval, ...]

    @property
    def status(self) -> Eligibility:
        return self.check.status

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.check.reasons

    @property
    def approval_rules(self) -> frozenset[str]:
        """The rules this slot breaks that a manager may approve."""
        return frozenset(r.rule for r in self.reasons if r.severity is Severity.APPROVE)


@dataclass(frozen=True)
class LeftOut:
    """A case not in the round, with its compliance reasons or ``route.*`` codes."""

    case_id: int
    case_number: str
    reasons: tuple[Reason, ...]
    route_codes: tuple[str, ...]


@dataclass(frozen=True)
class RoundPlan:
    """A crew's day as planned or evaluated; ``problems`` lists what a manual order breaks."""

    crew_id: int
    plan_date: date
    depart: datetime
    return_: datetime
    break_start: datetime | None
    break_end: datetime | None
    stops: tuple[PlannedStop, ...]
    left_out: tuple[LeftOut, ...]
    travel_seconds: int
    travel_meters: int
    rulesets: tuple[RuleSetUsed, ...]
    problems: tuple[Message, ...] = ()
    optimal: bool = False  # proven best under the objective (small days are solved exactly)

    @property
    def needs_approval(self) -> bool:
        return any(stop.status is Eligibility.NEEDS_APPROVAL for stop in self.stops)
