"""Login rate limiting as a pure rule: too many recent failures lock a username for a while."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldvisit.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class LoginPolicy:
    """``max_failures`` failed logins within ``window`` lock the username for ``lockout``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if self.window <= timedelta(0) or self.lockout <= timedelta(0):
            raise ValueError("window and lockout must be positive durations")


def locked_until(
    attempts: Sequence[tuple[datetime, bool]], now: datetime, policy: LoginPolicy
) -> datetime | None:
    """When the lock ends, or None when a login may be tried now.

    ``attempts`` are (time, success) of one username, oldest first; a success resets the count.
    The lock runs from the failure that reached the limit, so waiting it out always works.
    """
    failures: list[datetime] = []
    for at, success in attempts:
        failures = [] if success else [*failures, at]
    recent = [at for at in failures if at > now - policy.window - policy.lockout]
    for index in range(len(recent) - policy.max_failures + 1):
        first, last = recent[index], recent[index + policy.max_failures - 1]
        if last - first <= policy.window and now < last + policy.lockout:
            return last + policy.lockout
    return None


def check_new_password(password: str) -> None:
    """A password a person chooses: long enough; the message says what to fix."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("error.auth.password_short", minimum=MIN_PASSWORD_LENGTH)
