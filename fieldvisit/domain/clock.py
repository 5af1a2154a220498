"""Time as a dependency: rules and services receive a clock, tests inject a fixed one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, tz-aware UTC; only start-up code wires this in."""
    return datetime.now(UTC)


@dataclass
class FixedClock:
    """A settable clock for tests and simulations."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now
