"""Interval-set arithmetic and the DST-exact wall-clock mapping."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fieldvisit.domain.compliance.intervals import (
    before,
    covers,
    intersect,
    longest,
    normalize,
    subtract,
    wall_to_instants,
)


def test_set_operations() -> None:
    a = normalize([(5, 10), (0, 3), (3, 4), (8, 12)])
    assert a == ((0, 4), (5, 12))
    assert intersect(a, ((2, 6),)) == ((2, 4), (5, 6))
    assert subtract(a, ((1, 2), (6, 20))) == ((0, 1), (2, 4), (5, 6))
    assert longest(a) == 7
    assert longest(()) == 0
    assert covers(a, 5, 12)
    assert not covers(a, 3, 6)
    assert before(a, 6) == ((0, 4), (5, 6))


def test_plain_day_mapping() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    spans = wall_to_instants("Asia/Shanghai", date(2026, 12, 1), ((480, 1320),))
    start = int(datetime(2026, 12, 1, 8, tzinfo=zone).timestamp())
    assert spans == ((start, start + 14 * 3600),)


def test_spring_forward_full_day_is_23_hours() -> None:
    spans = wall_to_instants("America/New_York", date(2026, 3, 8), ((0, 1440),))
    assert sum(b - a for a, b in spans) == 23 * 3600


def test_fall_back_full_day_is_25_hours() -> None:
    spans = wall_to_instants("America/New_York", date(2026, 11, 1), ((0, 1440),))
    assert sum(b - a for a, b in spans) == 25 * 3600
