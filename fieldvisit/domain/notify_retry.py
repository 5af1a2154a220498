"""When a failed delivery is tried again: exponential backoff with a cap and a last attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldvisit.domain.errors import ValidationError


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n+1 waits ``first_delay * factor**(n-1)``, at most ``max_delay``; after
    ``attempts`` tries the delivery is given up (and the alarm keeps climbing regardless)."""

    first_delay: timedelta = timedelta(seconds=10)
    factor: float = 2.0
    max_delay: timedelta = timedelta(minutes=5)
    attempts: int = 8
    # A claimed attempt that never reported back (its watcher died mid-send) is retried after this.
    claim_timeout: timedelta = timedelta(minutes=2)

    def __post_init__(self) -> None:
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValidationError("notify.error.bad_retry", field="first_delay/max_delay")
        if self.factor < 1 or self.attempts < 1:
            raise ValidationError("notify.error.bad_retry", field="factor/attempts")

    def delay_after(self, attempt: int) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1-based)."""
        seconds = self.first_delay.total_seconds() * self.factor ** (attempt - 1)
        return min(timedelta(seconds=seconds), self.max_delay)

    def next_at(self, attempt: int, failed_at: datetime) -> datetime | None:
        """When to try again after ``attempt`` failed; None when that was the last try."""
        if attempt >= self.attempts:
            return None
        return failed_at + self.delay_after(attempt)

    def schedule(self, start: datetime) -> tuple[datetime, ...]:
        """Every attempt's earliest time if all fail at once: for documentation and tests."""
        times = [start]
        for attempt in range(1, self.attempts):
            times.append(times[-1] + self.delay_after(attempt))
        return tuple(times)
