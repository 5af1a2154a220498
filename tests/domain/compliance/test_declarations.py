"""Weekly and date-specific availability declarations resolved for one date."""

from __future__ import annotations

from datetime import date

import pytest

from fieldvisit.domain.compliance import Declaration, WallInterval, resolve
from fieldvisit.domain.enums import AvailabilityKind
from fieldvisit.domain.errors import ValidationError

W, B = AvailabilityKind.WINDOW, AvailabilityKind.BLACKOUT
EVENINGS = WallInterval.parse("18:00", "20:30")
MORNING = WallInterval.parse("10:00", "12:00")
LUNCH = WallInterval.parse("12:00", "14:00")
TUESDAY = date(2026, 12, 1)


def test_weekly_window_applies_on_its_weekdays() -> None:
    weekdays = Declaration(W, EVENINGS, weekdays=frozenset(range(5)))
    assert resolve([weekdays], TUESDAY) == ((EVENINGS,), ())
    assert resolve([weekdays], date(2026, 12, 6)) == ((), ())  # Sunday


def test_dated_window_replaces_weekly_windows_and_blackouts_add_up() -> None:
    found = resolve(
        [
            Declaration(W, EVENINGS),
            Declaration(W, MORNING, on_date=TUESDAY),
            Declaration(B, LUNCH, weekdays=frozenset({1})),
            Declaration(B, EVENINGS, on_date=TUESDAY),
        ],
        TUESDAY,
    )
    assert found == ((MORNING,), (LUNCH, EVENINGS))


def test_validity_bounds() -> None:
    later = Declaration(W, MORNING, valid_from=date(2026, 12, 2))
    ended = Declaration(B, LUNCH, valid_until=date(2026, 11, 30))
    assert resolve([later, ended], TUESDAY) == ((), ())


def test_invalid_declarations() -> None:
    with pytest.raises(ValidationError):
        Declaration(W, MORNING, weekdays=frozenset({7}))
    with pytest.raises(ValidationError):
        Declaration(W, MORNING, weekdays=frozenset({1}), on_date=TUESDAY)


def test_wrapping_interval_covers_both_ends_of_the_day() -> None:
    assert WallInterval.parse("22:00", "06:00").spans() == ((0, 360), (1320, 1440))
    assert str(WallInterval.parse("22:00", "06:00")) == "22:00–06:00"
    with pytest.raises(ValidationError):
        WallInterval.parse("24:30", "25:00")
