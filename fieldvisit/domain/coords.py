"""Conversions between WGS-84 and the Chinese map datums GCJ-02 (AMap, Tencent) and BD-09 (Baidu).

FieldVisit stores WGS-84 only; provider results are converted on the way in, and points are
converted back when drawn over tiles in GCJ-02 or BD-09. GCJ-02 is a published obfuscation formula
(Krasovsky ellipsoid plus a polynomial/sine offset) without a closed-form inverse, so the inverse
is solved by fixed-point iteration to well under a centimetre. Outside mainland China both datums
equal WGS-84 by definition, as the providers themselves apply no offset there.
"""

from __future__ import annotations

import math
from typing import NamedTuple

_A = 6378245.0  # Krasovsky 1940 semi-major axis, the one the GCJ-02 formula uses
_EE = 0.00669342162296594323  # Krasovsky first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0  # BD-09's own constant
_INVERSE_TOLERANCE_DEG = 1e-10
_INVERSE_MAX_STEPS = 30


class LonLat(NamedTuple):
    lon: float
    lat: float


def out_of_china(lon: float, lat: float) -> bool:
    """The bounding box the providers use to decide whether to apply the GCJ-02 offset."""
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> LonLat:
    if out_of_china(lon, lat):
        return LonLat(lon, lat)
    d_lat = _offset_lat(lon - 105.0, lat - 35.0)
    d_lon = _offset_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return LonLat(lon + d_lon, lat + d_lat)


def gcj02_to_wgs84(lon: float, lat: float) -> LonLat:
    """The WGS-84 point whose GCJ-02 image is (lon, lat), by fixed-point iteration."""
    if out_of_china(lon, lat):
        return LonLat(lon, lat)
    guess_lon, guess_lat = lon, lat
    for _ in range(_INVERSE_MAX_STEPS):
        image = wgs84_to_gcj02(guess_lon, guess_lat)
        err_lon, err_lat = image.lon - lon, image.lat - lat
        guess_lon, guess_lat = guess_lon - err_lon, guess_lat - err_lat
        if max(abs(err_lon), abs(err_lat)) < _INVERSE_TOLERANCE_DEG:
            break
    return LonLat(guess_lon, guess_lat)


def gcj02_to_bd09(lon: float, lat: float) -> LonLat:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return LonLat(z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006)


def bd09_to_gcj02(lon: float, lat: float) -> LonLat:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return LonLat(z * math.cos(theta), z * math.sin(theta))


def wgs84_to_bd09(lon: float, lat: float) -> LonLat:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> LonLat:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {
    "wgs84": lambda lon, lat: LonLat(lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS84 = {
    "wgs84": lambda lon, lat: LonLat(lon, lat),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")


def to_wgs84(datum: str, lon: float, lat: float) -> LonLat:
    """A point given in ``datum`` (wgs84 | gcj02 | bd09) as WGS-84."""
    return _TO_WGS84[datum](lon, lat)


def from_wgs84(datum: str, lon: float, lat: float) -> LonLat:
    """A stored WGS-84 point in the datum of the tiles it is drawn on."""
    return _FROM_WGS84[datum](lon, lat)
