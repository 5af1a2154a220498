"""Point in polygon: known shapes, and properties over random polygons and points."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.geometry import LatLon, bounds, contains, inside, parse_polygon, polygon

# Small whole numbers: every product in the side test is exact, so properties hold exactly.
coordinate = st.integers(min_value=-50, max_value=50).map(float)
vertex = st.tuples(coordinate, coordinate)
polygons = st.lists(vertex, min_size=3, max_size=12)
points = st.tuples(coordinate.map(lambda c: c + 0.5), coordinate.map(lambda c: c + 0.25))

# An L shape (lat, lon): the notch at the top right is outside.
L_SHAPE: list[LatLon] = [(0, 0), (0, 4), (2, 4), (2, 2), (4, 2), (4, 0)]


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (1, 1, True),
        (1, 3, True),
        (3, 1, True),
        (3, 3, False),  # the notch
        (5, 1, False),
        (-1, 1, False),
        (2, 1, True),  # a ray through a vertex's latitude counts once
    ],
)
def test_an_l_shape(lat: float, lon: float, expected: bool) -> None:
    assert contains(L_SHAPE, lat, lon) is expected


@given(polygons, points, st.integers(min_value=0, max_value=11))
def test_the_first_vertex_and_the_direction_do_not_matter(
    area: list[LatLon], point: LatLon, shift: int
) -> None:
    shift %= len(area)
    rotated = area[shift:] + area[:shift]
    expected = contains(area, *point)
    assert contains(rotated, *point) is expected
    assert contains(list(reversed(area)), *point) is expected


@given(polygons, points, coordinate, coordinate)
def test_moving_polygon_and_point_together_keeps_the_answer(
    area: list[LatLon], point: LatLon, d_lat: float, d_lon: float
) -> None:
    moved = [(lat + d_lat, lon + d_lon) for lat, lon in area]
    assert contains(moved, point[0] + d_lat, point[1] + d_lon) is contains(area, *point)


@given(polygons, points)
def test_an_inside_point_is_inside_the_bounds(area: list[LatLon], point: LatLon) -> None:
    south, west, north, east = bounds(area)
    if contains(area, *point):
        assert south <= point[0] <= north
        assert west <= point[1] <= east


@given(
    st.floats(-80, 80),
    st.floats(-170, 170),
    st.floats(0.001, 5),
    st.floats(0.001, 5),
    st.floats(0.01, 0.99),
    st.floats(0.01, 0.99),
)
def test_a_rectangle_holds_exactly_its_inner_points(
    south: float, west: float, height: float, width: float, u: float, v: float
) -> None:
    north, east = south + height, west + width
    rectangle = [(south, west), (south, east), (north, east), (north, west)]
    lat, lon = south + u * height, west + v * width
    assume(south < lat < north and west < lon < east)
    assert contains(rectangle, lat, lon)
    assert not contains(rectangle, north + height, lon)
    assert not contains(rectangle, lat, west - width)


@given(polygons, st.lists(points, max_size=30))
def test_inside_keeps_the_order_and_agrees_with_contains(
    area: list[LatLon], candidates: list[LatLon]
) -> None:
    keyed = [(index, lat, lon) for index, (lat, lon) in enumerate(candidates)]
    found = inside(area, keyed)
    assert found == [i for i, lat, lon in keyed if contains(area, lat, lon)]


@given(points)
def test_the_two_halves_of_a_split_square_share_no_point(point: LatLon) -> None:
    # Every point of a square cut along a diagonal is in exactly one triangle: nothing is
    # selected twice or lost between two lassos that share an edge. (The points' fractions
    # differ, so none lies on the diagonal itself.)
    square = [(-60.0, -60.0), (-60.0, 60.0), (60.0, 60.0), (60.0, -60.0)]
    first, second = [square[0], square[1], square[2]], [square[0], square[2], square[3]]
    assert contains(first, *point) != contains(second, *point)
    assert contains(square, *point)


def test_parse_polygon_reads_the_command_line_form() -> None:
    assert parse_polygon("31.2,121.4; 31.3,121.4;31.3,121.5;31.2,121.4") == (
        (31.2, 121.4),
        (31.3, 121.4),
        (31.3, 121.5),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.2,121.4;31.3,121.4", "assign.error.area_too_small"),
        ("31.2,121.4;31.3;31.3,121.5", "assign.error.area_bad_point"),
        ("31.2,121.4;abc,1;31.3,121.5", "assign.error.area_bad_point"),
        ("31.2,121.4;95,1;31.3,121.5", "assign.error.area_bad_point"),
        ("", "assign.error.area_too_small"),
    ],
)
def test_bad_areas_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_polygon(text)
    assert refused.value.message.id == message


def test_a_closing_vertex_is_not_counted_twice() -> None:
    assert len(polygon([(0, 0), (0, 1), (1, 1), (0, 0)])) == 3
