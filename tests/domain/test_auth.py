"""The login lock rule on its own: counts, windows, resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldvisit.domain.auth import LoginPolicy, locked_until

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
POLICY = LoginPolicy()


def _fails(*minutes: int) -> list[tuple[datetime, bool]]:
    return [(T0 + timedelta(minutes=m), False) for m in minutes]


def test_four_failures_do_not_lock() -> None:
    assert locked_until(_fails(0, 1, 2, 3), T0 + timedelta(minutes=4), POLICY) is None


def test_the_fifth_failure_locks_for_the_lockout() -> None:
    until = locked_until(_fails(0, 1, 2, 3, 4), T0 + timedelta(minutes=5), POLICY)
    assert until == T0 + timedelta(minutes=19)


def test_a_success_resets_the_count() -> None:
    attempts = [*_fails(0, 1, 2), (T0 + timedelta(minutes=3), True), *_fails(4, 5)]
    assert locked_until(attempts, T0 + timedelta(minutes=6), POLICY) is None


def test_failures_outside_the_window_do_not_add_up() -> None:
    assert locked_until(_fails(0, 10, 20, 30, 40), T0 + timedelta(minutes=41), POLICY) is None


def test_a_policy_must_be_sane() -> None:
    with pytest.raises(ValueError, match="max_failures"):
        LoginPolicy(max_failures=0)
