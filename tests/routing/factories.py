"""Small routing problems for tests: places on a line, travel = distance, plain numbers."""

from __future__ import annotations

from collections.abc import Sequence

from fieldvisit.routing.model import BreakRule, Crew, Interval, Problem, TravelMatrix, Visit

DAY = Interval(0, 1000)


def line_matrix(positions: Sequence[int]) -> TravelMatrix:
    """Travel seconds = |a - b|, metres = 10 x seconds."""
    seconds = [[abs(a - b) for b in positions] for a in positions]
    meters = [[10 * x for x in row] for row in seconds]
    return TravelMatrix.of(seconds, meters)


def visit(
    vid: str,
    location: int,
    *windows: tuple[int, int],
    service: int = 10,
    priority: int = 0,
    required: bool = False,
    **extra: object,
) -> Visit:
    spans = tuple(Interval(a, b) for a, b in windows) or (DAY,)
    return Visit(vid, location, service, spans, priority, required, **extra)  # type: ignore[arg-type]


def crew(
    cid: str = "a",
    *,
    start: int = 0,
    end: int | None = None,
    shift: tuple[int, int] = (0, 1000),
    lunch: tuple[int, int, int] | None = None,
    **extra: object,
) -> Crew:
    rule = None if lunch is None else BreakRule(*lunch)
    return Crew(cid, start, start if end is None else end, Interval(*shift), rule, **extra)  # type: ignore[arg-type]


def problem(visits: Sequence[Visit], crews: Sequence[Crew], positions: Sequence[int]) -> Problem:
    return Problem(tuple(visits), tuple(crews), line_matrix(positions))
