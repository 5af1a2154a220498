"""The geodesic travel model: distance x detour / speed, whole minutes rounded up, cached."""

from __future__ import annotations

import math
import pickle
import random

import pytest
from geopy.distance import geodesic

from fieldvisit.routing.model import ProblemError
from fieldvisit.routing.travel import (
    DENSE_PLACES,
    GeodesicTravel,
    Point,
    TravelParams,
    leg,
    matrix,
)

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


def _old_leg(a: Point, b: Point, params: TravelParams) -> tuple[int, int]:
    """The former pure-Python model (geopy's geodesic), the reference for the vectorised one."""
    if a == b:
        return 0, 0
    metres = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters * params.detour_factor
    seconds = metres / (params.speed_kmh * 1000.0 / 3600.0)
    return 60 * math.ceil(round(seconds, 6) / 60), round(metres)


def _random_points(count: int, seed: int, spread: float) -> list[Point]:
    rng = random.Random(seed)
    return [
        Point(round(31.2 + rng.uniform(-spread, spread), 6), round(121.4 + rng.uniform(-1, 1), 6))
        for _ in range(count)
    ]


def test_matrix_equals_the_pure_python_geodesic_on_random_points() -> None:
    params = TravelParams(27.5, 1.25)
    points = [*_random_points(60, seed=7, spread=0.5), Point(-33.9, 18.4), Point(64.1, -21.9)]
    m = matrix(points, params)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert (m.seconds[i][j], m.meters[i][j]) == _old_leg(a, b, params)


def test_large_matrix_is_computed_on_demand_and_equals_the_dense_one() -> None:
    points = _random_points(DENSE_PLACES + 40, seed=3, spread=0.3)
    lazy = matrix(points)
    assert isinstance(lazy, GeodesicTravel)
    assert lazy.pairs == 0
    rng = random.Random(1)
    pairs = [(rng.randrange(len(points)), rng.randrange(len(points))) for _ in range(300)]
    for i, j in pairs:
        assert (lazy.seconds[i][j], lazy.meters[i][j]) == _old_leg(
            points[i], points[j], TravelParams()
        )
    assert lazy.pairs < len(points) ** 2 / 4
    places = [i for i, _ in pairs[:30]]
    seconds, metres = lazy.dense(places)
    assert [[lazy.seconds[a][b] for b in places] for a in places] == seconds.tolist()
    assert [[lazy.meters[a][b] for b in places] for a in places] == metres.tolist()


def test_large_matrix_bounds_every_leg() -> None:
    points = _random_points(DENSE_PLACES + 10, seed=5, spread=0.8)
    lazy = matrix(points)
    seconds, _ = lazy.dense(range(len(points)))
    assert int(seconds.max()) <= lazy.max_seconds()


def test_large_matrix_survives_the_trip_to_a_planning_process() -> None:
    lazy = matrix(_random_points(DENSE_PLACES + 5, seed=9, spread=0.2))
    first = lazy.seconds[3][700]
    copy = pickle.loads(pickle.dumps(lazy))
    assert copy.seconds[3][700] == first
    assert copy.meters[700][4] == lazy.meters[700][4]
