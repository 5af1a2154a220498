"""Pure delivery rules: the backoff schedule and the webhook signature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.notify_retry import RetryPolicy
from fieldvisit.domain.notify_signing import sign, verify

T = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_the_cap_then_gives_up() -> None:
    policy = RetryPolicy(timedelta(seconds=10), 2.0, timedelta(seconds=60), attempts=5)
    offsets = [int((t - T).total_seconds()) for t in policy.schedule(T)]
    assert offsets == [0, 10, 30, 70, 130]
    assert policy.next_at(4, T) == T + timedelta(seconds=60)
    assert policy.next_at(5, T) is None


def test_a_retry_policy_that_would_never_wait_is_refused() -> None:
    with pytest.raises(ValidationError):
        RetryPolicy(first_delay=timedelta(0))
    with pytest.raises(ValidationError):
        RetryPolicy(factor=0.5)


def test_a_signature_fails_on_a_changed_body_a_wrong_secret_or_a_replay() -> None:
    body, ts = b'{"kind":"sos"}', 1_764_554_400
    signature = sign(b"secret", ts, body)
    assert signature.startswith("sha256=")
    assert verify(b"secret", ts, body, signature, now=ts + 10)
    assert not verify(b"secret", ts, b'{"kind":"overdue"}', signature, now=ts)
    assert not verify(b"other", ts, body, signature, now=ts)
    assert not verify(b"secret", ts, body, signature, now=ts + 301)
    assert not verify(b"secret", ts + 1, body, signature, now=ts)
