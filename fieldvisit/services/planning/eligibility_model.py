"""Plain results of the eligibility service: per-case verdict summaries, slot checks, rule sets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from fieldvisit.domain.compliance import Source, Verdict, Violation
from fieldvisit.domain.enums import Severity
from fieldvisit.domain.messages import Message


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_APPROVAL = "needs_approval"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Reason:
    """One rule a visit breaks, as the engine (or a risk note) explains it."""

    rule: str  # "<profile>.<rule>" or "<profile>.state.<state>"
    severity: Severity
    message: Message
    source: Source
    slot: bool = False  # depends on the time of the visit, not on the whole day


@dataclass(frozen=True)
class TimeInterval:
    """A half-open ``[start, end)`` in the debtor's local time (tz-aware datetimes)."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class RuleSetUsed:
    """Which rules decided: profile, its version, the team's policy version and the hash."""

    team_id: int | None
    profile_id: str
    profile_version: str
    policy_version: int | None
    ruleset_hash: str
    holiday_region: str | None = None  # the team's holiday calendar region, when it applied


@dataclass(frozen=True)
class CaseEligibility:
    """Whether, when and why (not) one case may be visited on ``plan_date``.

    ``intervals`` hold the whole visit (start and end inside one of them); ``start_windows`` the
    matching ranges of start times. ``verdict`` is the engine's answer, for planners that need
    epoch seconds (``verdict.start_windows_seconds``) or ``check_slot``; it holds no personal data.
    """

    case_id: int
    case_number: str
    debtor_id: int
    team_id: int | None
    plan_date: date
    timezone: str
    service_minutes: int
    ruleset: RuleSetUsed
    status: Eligibility
    reasons: tuple[Reason, ...]
    contact_data_as_of: datetime | None
    #: True when a block holds all day (then no interval is allowed).
    blocked_all_day: bool
    verdict: Verdict = field(repr=False, compare=False)
    #: Day-level violations the service adds to the engine's (risk notes, a legal-hold flag).
    extra: tuple[Violation, ...] = field(repr=False, compare=False, default=())

    @property
    def intervals(self) -> tuple[TimeInterval, ...]:
        """Allowed whole-visit intervals in local time (computed on demand: batches are big)."""
        return () if self.blocked_all_day else _local(self.verdict.intervals)

    @property
    def start_windows(self) -> tuple[TimeInterval, ...]:
        """Closed ranges of allowed start times in local time."""
        return () if self.blocked_all_day else _local(self.verdict.start_windows())

    @property
    def profile_id(self) -> str:
        return self.ruleset.profile_id

    @property
    def ruleset_hash(self) -> str:
        return self.ruleset.ruleset_hash

    @property
    def blocked(self) -> bool:
        return self.status is Eligibility.BLOCKED


@dataclass(frozen=True)
class DayEligibility:
    """The answer for one crew and date: every case, and every rule set that was used."""

    plan_date: date
    crew_id: int | None
    crew_size: int | None
    cases: tuple[CaseEligibility, ...]
    rulesets: tuple[RuleSetUsed, ...]
    contact_data_as_of: datetime | None

    def by_case(self) -> dict[int, CaseEligibility]:
        return {c.case_id: c for c in self.cases}


@dataclass(frozen=True)
class SlotRequest:
    """A stop the planner placed: ``start`` is tz-aware; ``service_minutes`` None = default."""

    case_id: int
    start: datetime
    service_minutes: int | None = None


@dataclass(frozen=True)
class SlotCheck:
    """The re-check of one placed stop: does the whole visit fit, and what does it need."""

    case_id: int
    start: datetime
    end: datetime
    fits: bool
    status: Eligibility
    reasons: tuple[Reason, ...]
    ruleset: RuleSetUsed


def _local(pairs: tuple[tuple[datetime, datetime], ...]) -> tuple[TimeInterval, ...]:
    return tuple(TimeInterval(a, b) for a, b in pairs)


def status_of(violations: Iterable[Violation]) -> Eligibility:
    """Blocked by any block, else needing approval by any approval, else eligible."""
    severities = {v.severity for v in violations}
    if Severity.BLOCK in severities:
        return Eligibility.BLOCKED
    if Severity.APPROVE in severities:
        return Eligibility.NEEDS_APPROVAL
    return Eligibility.ELIGIBLE


def reasons_of(violations: Iterable[Violation]) -> tuple[Reason, ...]:
    return tuple(Reason(v.rule, v.severity, v.message, v.source, v.slot) for v in violations)


def checks_document(result: CaseEligibility | SlotCheck) -> dict[str, Any]:
    """JSON for ``round_stops.checks``: the rule set and every reason (rule, severity, source)."""
    used = result.ruleset
    document: dict[str, Any] = {
        "profile": used.profile_id,
        "profile_version": used.profile_version,
        "policy_version": used.policy_version,
        "ruleset_hash": used.ruleset_hash,
        "status": result.status.value,
        "violations": [
            {
                "rule": r.rule,
                "severity": r.severity.value,
                "message": r.message.id,
                "params": {k: str(v) for k, v in r.message.params.items()},
                "source": {"zh": r.source.zh, "en": r.source.en},
            }
            for r in result.reasons
        ],
    }
    if used.holiday_region is not None:  # kept only when set: older documents stay as they were
        document["holiday_region"] = used.holiday_region
    if isinstance(result, CaseEligibility):
        document["intervals"] = [[i.start.isoformat(), i.end.isoformat()] for i in result.intervals]
    else:
        document["fits"] = result.fits
    return document
