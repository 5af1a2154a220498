"""The engine's answer for one candidate visit: allowed intervals, violations and slot checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fieldvisit.domain.compliance.intervals import Spans, covers, day_bounds, to_datetimes
from fieldvisit.domain.compliance.model import Violation
from fieldvisit.domain.compliance.windows import Layer, slot_violations
from fieldvisit.domain.enums import Severity

LocalInterval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Verdict:
    """Whether, when and under which conditions one visit may be planned on ``plan_date``.

    ``time_spans`` are epoch-second half-open intervals for the *whole* visit: a visit fits when
    ``[start, start + service)`` lies inside one of them. ``violations`` holds every day-level
    violation, the reasons no slot fits (if none does) and, when the candidate asked about one,
    the violations of its requested slot.
    """

    debtor_id: str
    profile_id: str
    profile_version: str
    ruleset_hash: str
    plan_date: date
    timezone: str
    service_minutes: int
    time_spans: Spans
    clean_spans: Spans
    violations: tuple[Violation, ...]
    layers: tuple[Layer, ...] = field(repr=False, compare=False, default=())
    day_level: tuple[Violation, ...] = field(repr=False, compare=False, default=())

    @property
    def blocked(self) -> bool:
        """True when any violation blocks (including one of the requested slot, if any)."""
        return any(v.severity is Severity.BLOCK for v in self.violations)

    @property
    def blocked_all_day(self) -> bool:
        """True when a block does not depend on the time (so no interval is allowed)."""
        return any(v.severity is Severity.BLOCK and not v.slot for v in self.violations)

    @property
    def blocking(self) -> tuple[Violation, ...]:
        return _of(self.violations, Severity.BLOCK)

    @property
    def needs_approval(self) -> tuple[Violation, ...]:
        return _of(self.violations, Severity.APPROVE)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        return _of(self.violations, Severity.WARN)

    @property
    def allowed_spans(self) -> Spans:
        """``time_spans``, or nothing when the visit is blocked for the whole day."""
        return () if self.blocked_all_day else self.time_spans

    @property
    def intervals(self) -> tuple[LocalInterval, ...]:
        """Allowed whole-visit intervals as tz-aware local datetimes (empty when blocked)."""
        return to_datetimes(self.allowed_spans, self.timezone)

    @property
    def time_intervals(self) -> tuple[LocalInterval, ...]:
        """Time-of-day intervals ignoring day-level blocks (to show *when* a visit could happen)."""
        return to_datetimes(self.time_spans, self.timezone)

    @property
    def clean_intervals(self) -> tuple[LocalInterval, ...]:
        """Allowed intervals where no slot-level approval or warning arises (e.g. consent hours)."""
        return () if self.blocked_all_day else to_datetimes(self.clean_spans, self.timezone)

    def fits(self, start: datetime, service_minutes: int | None = None) -> bool:
        """True when no all-day block applies and ``[start, start + service)`` is allowed."""
        begin = int(start.timestamp())
        end = begin + 60 * (service_minutes or self.service_minutes)
        return not self.blocked_all_day and covers(self.time_spans, begin, end)

    def check_slot(
        self, start: datetime, service_minutes: int | None = None
    ) -> tuple[Violation, ...]:
        """Day-level violations plus those of the concrete slot (what a planned stop reports)."""
        minutes = service_minutes or self.service_minutes
        slot = slot_violations(self.layers, self.timezone, start, minutes)
        return self.day_level + tuple(slot)

    def start_spans(self, service_minutes: int | None = None) -> tuple[tuple[int, int], ...]:
        """Closed ranges ``[earliest, latest]`` of allowed *start* instants (epoch seconds)."""
        need = 60 * (service_minutes or self.service_minutes)
        return tuple((a, b - need) for a, b in self.allowed_spans if b - a >= need)

    def start_windows(self, service_minutes: int | None = None) -> tuple[LocalInterval, ...]:
        """Closed ranges ``[earliest, latest]`` of allowed start times as local datetimes."""
        return to_datetimes(self.start_spans(service_minutes), self.timezone)

    def allowed_intervals_seconds(self, reference: datetime) -> tuple[tuple[int, int], ...]:
        """Allowed whole-visit intervals as seconds from ``reference`` (half-open)."""
        ref = int(reference.timestamp())
        return tuple((a - ref, b - ref) for a, b in self.allowed_spans)

    def start_windows_seconds(
        self, reference: datetime, service_minutes: int | None = None
    ) -> tuple[tuple[int, int], ...]:
        """Allowed start ranges ``[earliest, latest]`` as seconds from ``reference`` (closed)."""
        ref = int(reference.timestamp())
        return tuple((a - ref, b - ref) for a, b in self.start_spans(service_minutes))

    def local_minutes(self) -> tuple[tuple[int, int], ...]:
        """Allowed whole-visit intervals as minutes after local midnight of the plan date.

        Minutes are elapsed time, so on a DST day 08:00 may be minute 420 or 540; use
        ``intervals`` to show wall-clock times.
        """
        ref = day_bounds(self.timezone, self.plan_date)[0]
        return tuple(((a - ref) // 60, (b - ref) // 60) for a, b in self.allowed_spans)

    def start_minutes(self, service_minutes: int | None = None) -> tuple[tuple[int, int], ...]:
        """Allowed start ranges ``[earliest, latest]`` in minutes after local midnight."""
        ref = day_bounds(self.timezone, self.plan_date)[0]
        spans = self.start_spans(service_minutes)
        return tuple(((a - ref) // 60, (b - ref) // 60) for a, b in spans)


def _of(violations: tuple[Violation, ...], severity: Severity) -> tuple[Violation, ...]:
    return tuple(v for v in violations if v.severity is severity)
