"""WGS-84 ↔ GCJ-02 ↔ BD-09 against published reference points, and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.domain import coords

# Source: wandergis/coordtransform, test/app.js (the "result" comments), input (116.404, 39.915)
# in each direction; the JavaScript library is the one most Chinese web maps use.
CT_IN = (116.404, 39.915)
CT_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)
CT_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
CT_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
CT_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)  # a one-step approximation there
# Source: googollee/eviltransform, python test (TESTS): WGS-84 → GCJ-02 in Shanghai, Shenzhen
# and Beijing, as (wgs lat, wgs lon, gcj lat, gcj lon).
EVIL_TESTS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]
EXACT = 1e-9  # degrees; the forward formulas are closed-form, so they must agree to rounding


def test_wgs84_to_gcj02_matches_coordtransform() -> None:
    assert coords.wgs84_to_gcj02(*CT_IN) == pytest.approx(CT_WGS84_TO_GCJ02, abs=EXACT)


def test_gcj02_to_bd09_matches_coordtransform() -> None:
    assert coords.gcj02_to_bd09(*CT_IN) == pytest.approx(CT_GCJ02_TO_BD09, abs=EXACT)


def test_bd09_to_gcj02_matches_coordtransform() -> None:
    assert coords.bd09_to_gcj02(*CT_IN) == pytest.approx(CT_BD09_TO_GCJ02, abs=EXACT)


def test_gcj02_to_wgs84_is_within_a_metre_of_the_one_step_reference() -> None:
    # The reference inverts in one step (1–2 m error); ours iterates, so only ~1e-6° apart.
    assert coords.gcj02_to_wgs84(*CT_IN) == pytest.approx(CT_GCJ02_TO_WGS84, abs=1e-5)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVIL_TESTS)
def test_wgs84_to_gcj02_matches_eviltransform(
    wgs_lat: float, wgs_lon: float, gcj_lat: float, gcj_lon: float
) -> None:
    assert coords.wgs84_to_gcj02(wgs_lon, wgs_lat) == pytest.approx((gcj_lon, gcj_lat), abs=EXACT)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVIL_TESTS)
def test_gcj02_to_wgs84_recovers_the_reference_point(
    wgs_lat: float, wgs_lon: float, gcj_lat: float, gcj_lon: float
) -> None:
    assert coords.gcj02_to_wgs84(gcj_lon, gcj_lat) == pytest.approx((wgs_lon, wgs_lat), abs=1e-8)


def test_outside_china_nothing_moves() -> None:
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert coords.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_bd09_offset_in_shanghai_is_hundreds_of_metres() -> None:
    # The reason conversion matters: drawing BD-09 as WGS-84 is visibly wrong on a map.
    bd = coords.wgs84_to_bd09(121.4737, 31.2304)
    assert 0.005 < abs(bd.lon - 121.4737) + abs(bd.lat - 31.2304) < 0.03


@given(st.floats(97.0, 134.0), st.floats(18.5, 53.0))
def test_gcj02_round_trip_is_centimetre_exact(lon: float, lat: float) -> None:
    back = coords.to_wgs84("gcj02", *coords.from_wgs84("gcj02", lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-7)


@given(st.floats(97.0, 134.0), st.floats(18.5, 53.0))
def test_bd09_round_trip_is_within_half_a_metre(lon: float, lat: float) -> None:
    # Baidu's published BD-09 inverse is itself approximate (~1e-6°); we keep it, as the
    # references do, rather than disagree with every other implementation.
    back = coords.to_wgs84("bd09", *coords.from_wgs84("bd09", lon, lat))
    assert back == pytest.approx((lon, lat), abs=4e-6)


def test_wgs84_is_the_identity() -> None:
    assert coords.to_wgs84("wgs84", 121.0, 31.0) == (121.0, 31.0)
    assert coords.from_wgs84("wgs84", 121.0, 31.0) == (121.0, 31.0)
