"""The problem model rejects malformed input with a plain message."""

from __future__ import annotations

import pytest

from fieldvisit.routing.model import BreakRule, Interval, ProblemError, Unscheduled
from tests.routing.factories import crew, problem, visit


def test_interval_end_before_start_is_rejected() -> None:
    with pytest.raises(ProblemError, match="after end"):
        Interval(10, 5)


def test_priority_outside_0_100_is_rejected() -> None:
    with pytest.raises(ProblemError, match="priority"):
        visit("v", 1, priority=101)


def test_overlapping_windows_are_rejected() -> None:
    with pytest.raises(ProblemError, match="overlap"):
        visit("v", 1, (0, 50), (40, 90))


def test_break_shorter_window_than_duration_is_rejected() -> None:
    with pytest.raises(ProblemError, match="shorter"):
        BreakRule(100, 120, 30)


def test_break_outside_shift_is_rejected() -> None:
    with pytest.raises(ProblemError, match="inside the shift"):
        crew(shift=(0, 100), lunch=(90, 200, 30))


def test_unknown_crew_in_allowed_crews_is_rejected() -> None:
    with pytest.raises(ProblemError, match="unknown crew"):
        problem([visit("v", 1, allowed_crews=frozenset({"zz"}))], [crew()], [0, 5])


def test_location_outside_matrix_is_rejected() -> None:
    with pytest.raises(ProblemError, match="no such place"):
        problem([visit("v", 7)], [crew()], [0, 5])


def test_duplicate_visit_ids_are_rejected() -> None:
    with pytest.raises(ProblemError, match="unique"):
        problem([visit("v", 1), visit("v", 1)], [crew()], [0, 5])


def test_unscheduled_needs_a_known_reason() -> None:
    with pytest.raises(ProblemError):
        Unscheduled("v", ())
    with pytest.raises(ProblemError):
        Unscheduled("v", ("route.because",))


def test_weight_is_one_plus_priority() -> None:
    assert visit("v", 1, priority=60).weight == 61
