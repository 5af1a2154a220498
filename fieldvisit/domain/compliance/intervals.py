"""Half-open interval sets and the exact (DST-safe) mapping of local wall-clock time to instants."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

#: A sorted, disjoint, non-empty-member tuple of half-open integer intervals ``[start, end)``.
Span = tuple[int, int]
Spans = tuple[Span, ...]

MINUTES_PER_DAY = 24 * 60
FULL_DAY: Spans = ((0, MINUTES_PER_DAY),)
EMPTY: Spans = ()


def normalize(spans: Iterable[Span]) -> Spans:
    """Sort and merge overlapping or touching intervals; drop empty ones."""
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def intersect(left: Spans, right: Spans) -> Spans:
    """The common part of two normalized interval sets."""
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def subtract(left: Spans, right: Spans) -> Spans:
    """``left`` minus ``right`` (both normalized)."""
    out: list[Span] = []
    for start, end in left:
        cursor = start
        for r_start, r_end in right:
            if r_end <= cursor or r_start >= end:
                continue
            if r_start > cursor:
                out.append((cursor, r_start))
            cursor = max(cursor, r_end)
        if cursor < end:
            out.append((cursor, end))
    return tuple(out)


def longest(spans: Spans) -> int:
    """Length of the longest member (0 for an empty set)."""
    return max((end - start for start, end in spans), default=0)


def covers(spans: Spans, start: int, end: int) -> bool:
    """True when ``[start, end)`` lies inside one member."""
    return any(a <= start and end <= b for a, b in spans)


def before(spans: Spans, limit: int) -> Spans:
    """Keep only the part of ``spans`` before ``limit``."""
    return tuple((a, min(b, limit)) for a, b in spans if a < limit)


@lru_cache(maxsize=4096)
def _day_segments(tz_name: str, day: date) -> tuple[tuple[int, int, int], ...]:
    """The local day as (utc_start, utc_end, utc_offset) segments, in epoch seconds.

    A day has one segment, or two when a UTC-offset change (DST) happens inside it; wall time within
    a segment is ``instant + offset``. This makes the wall→instant mapping exact on DST days: a wall
    time skipped at spring-forward maps to nothing, one repeated at fall-back maps to both instants.
    """
    tz = ZoneInfo(tz_name)
    start = int(datetime.combine(day, time(0), tz).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), time(0), tz).timestamp())
    first, last = _offset(tz, start), _offset(tz, end - 1)
    if first == last:
        return ((start, end, first),)
    low, high = start, end - 1  # offset(low) == first, offset(high) == last
    while high - low > 1:
        mid = (low + high) // 2
        if _offset(tz, mid) == first:
            low = mid
        else:
            high = mid
    return ((start, high, first), (high, end, last))


def _offset(tz: ZoneInfo, instant: int) -> int:
    offset = datetime.fromtimestamp(instant, UTC).astimezone(tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@lru_cache(maxsize=4096)
def _wall_midnight_utc(day: date) -> int:
    return int(datetime.combine(day, time(0), UTC).timestamp())


def wall_to_instants(tz_name: str, day: date, minutes: Spans) -> Spans:
    """Epoch-second intervals of the instants whose wall time on ``day`` lies in ``minutes``."""
    base = _wall_midnight_utc(day)
    out: list[Span] = []
    for seg_start, seg_end, offset in _day_segments(tz_name, day):
        for start, end in minutes:
            a = max(seg_start, base + start * 60 - offset)
            b = min(seg_end, base + end * 60 - offset)
            if a < b:
                out.append((a, b))
    return normalize(out)


def day_bounds(tz_name: str, day: date) -> Span:
    """Epoch seconds of the first and past-the-last instant of the local day."""
    segments = _day_segments(tz_name, day)
    return segments[0][0], segments[-1][1]


@lru_cache(maxsize=4096)
def midnights(tz_name: str, day: date, days_back: int) -> tuple[int, ...]:
    """Epoch seconds of local midnight for ``day - days_back`` … ``day + 1`` (ascending)."""
    tz = ZoneInfo(tz_name)
    first = day - timedelta(days=days_back)
    return tuple(
        int(datetime.combine(first + timedelta(days=i), time(0), tz).timestamp())
        for i in range(days_back + 2)
    )


def to_datetimes(spans: Sequence[Span], tz_name: str) -> tuple[tuple[datetime, datetime], ...]:
    """Epoch-second intervals as tz-aware local datetimes."""
    tz = ZoneInfo(tz_name)
    return tuple(
        (
            datetime.fromtimestamp(a, UTC).astimezone(tz),
            datetime.fromtimestamp(b, UTC).astimezone(tz),
        )
        for a, b in spans
    )
