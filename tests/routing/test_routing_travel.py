"""The geodesic travel model: distance x detour / speed, whole minutes rounded up, cached."""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic

from fieldvisit.routing.model import ProblemError
from fieldvisit.routing.travel import Point, TravelParams, leg, matrix

PEOPLE_SQUARE = Point(31.2304, 121.4737)
LUJIAZUI = Point(31.2401, 121.4990)


def test_leg_follows_the_contract_formula() -> None:
    metres = geodesic((31.2304, 121.4737), (31.2401, 121.4990)).meters * 1.3
    seconds, meters = leg(PEOPLE_SQUARE, LUJIAZUI, TravelParams(30, 1.3))
    assert meters == round(metres)
    assert seconds == 60 * math.ceil(metres / (30_000 / 3600) / 60)
    assert seconds % 60 == 0


def test_same_place_is_zero() -> None:
    assert leg(LUJIAZUI, LUJIAZUI, TravelParams()) == (0, 0)


def test_matrix_is_symmetric_with_zero_diagonal() -> None:
    m = matrix([PEOPLE_SQUARE, LUJIAZUI, Point(31.20, 121.45)])
    assert all(m.seconds[i][i] == 0 for i in range(3))
    assert all(m.seconds[i][j] == m.seconds[j][i] for i in range(3) for j in range(3))


def test_matrix_is_cached_for_equal_inputs() -> None:
    points = [PEOPLE_SQUARE, LUJIAZUI]
    assert matrix(points, TravelParams(25, 1.2)) is matrix(list(points), TravelParams(25, 1.2))
    assert matrix(points, TravelParams(25, 1.2)) is not matrix(points, TravelParams(26, 1.2))


def test_slower_speed_means_longer_travel() -> None:
    fast = leg(PEOPLE_SQUARE, LUJIAZUI, TravelParams(40, 1.3))[0]
    slow = leg(PEOPLE_SQUARE, LUJIAZUI, TravelParams(10, 1.3))[0]
    assert slow > fast


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ProblemError):
        TravelParams(0, 1.3)
    with pytest.raises(ProblemError):
        TravelParams(30, 0.9)
    with pytest.raises(ProblemError):
        Point(91, 0)
