"""A click on a map gives back the place drawn there: ``unproject`` inverts ``project``."""

from __future__ import annotations

import pytest

from fieldvisit.domain.map_projection import around, fit


@pytest.mark.parametrize(
    ("lat", "lon"), [(31.2304, 121.4737), (-33.86, 151.21), (64.14, -21.94), (0.0, 0.0)]
)
def test_unproject_inverts_project(lat: float, lon: float) -> None:
    view = around(lat, lon, 20_000, 400, 300)
    for dx, dy in ((0, 0), (0.01, -0.02), (-0.03, 0.015)):
        x, y = view.project(lat + dy, lon + dx)
        assert view.unproject(x, y) == pytest.approx((lat + dy, lon + dx), abs=1e-9)


def test_around_spans_the_shorter_side() -> None:
    view = around(31.23, 121.47, 10_000, 500, 250)
    assert view.metres_per_unit == pytest.approx(40.0)
    assert view.unproject(250, 125) == pytest.approx((31.23, 121.47))


def test_unproject_agrees_with_a_fitted_map() -> None:
    view = fit([(31.20, 121.40), (31.30, 121.55)], 600, 400, 30)
    x, y = view.project(31.25, 121.50)
    assert view.unproject(x, y) == pytest.approx((31.25, 121.50), abs=1e-9)
