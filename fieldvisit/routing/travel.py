"""The solve contract's travel model: WGS-84 geodesic distance x detour factor / speed, cached.

Distances come from PROJ's geodesic (``pyproj.Geod.inv``, Karney's algorithm, the one geopy's
``geodesic`` runs in Python) on numpy arrays: the same metres to about a nanometre, a hundred
times faster. Small problems get a dense matrix; large ones a :class:`GeodesicTravel` that
computes a row's entries block by block when first asked, so a team day of thousands of visits
pays only for the pairs the planner looks at.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from fieldvisit.routing.model import FloatArray, IntArray, ProblemError, TravelMatrix

if TYPE_CHECKING:
    from pyproj import Geod

# Coordinates are rounded to 6 decimals (about 0.1 m) in the cache key: finer digits cannot
# change a whole-minute travel time, and rounding lets equal places share one entry.
_KEY_DIGITS = 6
# Up to this many places the whole matrix is computed at once (~0.3 s at 1.0 us a pair).
DENSE_PLACES = 800
# Places per block of a lazily computed row: one vectorised call fills a row against a block.
BLOCK = 64


@dataclass(frozen=True)
class Point:
    """A WGS-84 position in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ProblemError(f"({self.lat}, {self.lon}) is not a WGS-84 position")


@dataclass(frozen=True)
class TravelParams:
    """Speed and detour factor of the travel model."""

    speed_kmh: float = 30.0
    detour_factor: float = 1.3

    def __post_init__(self) -> None:
        if not self.speed_kmh > 0:
            raise ProblemError("travel speed must be > 0 km/h")
        if not self.detour_factor >= 1.0:
            raise ProblemError("the detour factor must be >= 1")


@lru_cache(maxsize=1)
def _geod() -> Geod:
    from pyproj import Geod  # imported on first use: PROJ is slow to load

    return Geod(ellps="WGS84")


def legs(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray, params: TravelParams
) -> tuple[IntArray, IntArray]:
    """``(seconds, metres)`` of many legs at once, rounded like :func:`leg`."""
    _, _, distance = _geod().inv(lon1, lat1, lon2, lat2)
    metres = np.asarray(distance, dtype=np.float64) * params.detour_factor
    seconds = metres / (params.speed_kmh * 1000.0 / 3600.0)
    whole = 60 * np.ceil(np.round(seconds, 6) / 60)
    return whole.astype(np.int64), np.rint(metres).astype(np.int64)


def leg(a: Point, b: Point, params: TravelParams) -> tuple[int, int]:
    """``(seconds, metres)`` of one leg.

    Seconds are rounded UP to a whole minute: the contract's times are whole minutes and an
    arrival must be at least the previous end plus the travel time, so rounding up keeps every
    stated time legal; metres are rounded to the nearest metre.
    """
    if a == b:
        return 0, 0
    one = np.ones(1)
    seconds, metres = legs(a.lat * one, a.lon * one, b.lat * one, b.lon * one, params)
    return int(seconds[0]), int(metres[0])


class _Row(dict[int, int]):
    """A row filled block by block on first access (a dict: hits stay C-speed lookups)."""

    def __init__(self, owner: GeodesicTravel, origin: int, metres: bool) -> None:
        super().__init__()
        self._owner, self._origin, self._metres = owner, origin, metres

    def __missing__(self, column: int) -> int:
        self._owner.fill(self._origin, column)
        return dict.__getitem__(self, column)


class _Rows(dict[int, _Row]):
    def __init__(self, owner: GeodesicTravel, metres: bool) -> None:
        super().__init__()
        self._owner, self._metres = owner, metres

    def __missing__(self, origin: int) -> _Row:
        if not 0 <= origin < self._owner.size:
            raise IndexError(origin)
        row = self[origin] = _Row(self._owner, origin, self._metres)
        return row


class GeodesicTravel:
    """Geodesic travel among many places, computed on demand and kept (one problem's cache).

    Places are sorted into blocks of nearby places (latitude bands, then longitude); asking for
    ``seconds[a][b]`` computes the row of ``a`` against the whole block of ``b`` in one call, so
    the pairs of places far from any route are never computed.
    """

    def __init__(self, lats: FloatArray, lons: FloatArray, params: TravelParams) -> None:
        self._lat, self._lon, self._params = lats, lons, params
        self.seconds = _Rows(self, metres=False)
        self.meters = _Rows(self, metres=True)
        self._blocks, self._block_of = _blocks(lats, lons)
        # The first index of each distinct position: equal places reuse each other's pairs.
        _, first, inverse = np.unique(
            np.column_stack([lats, lons]), axis=0, return_index=True, return_inverse=True
        )
        self._twin = first[inverse.reshape(-1)]
        self.pairs = 0  # pairs computed so far (benchmarks report it)

    @property
    def size(self) -> int:
        return len(self._lat)

    def fill(self, origin: int, column: int) -> None:
        """Compute the row of ``origin`` against the block that holds ``column``, both ways.

        The model is symmetric, so the same call also answers the block's rows towards
        ``origin`` (a visit's drive back to a depot whose row was asked for before).
        """
        if not 0 <= column < self.size:
            raise IndexError(column)
        twin = int(self._twin[column])
        if twin != column and twin in self.seconds[origin]:
            # The same position under another index (a crew's start and end): no new pairs.
            self.seconds[origin][column] = self.seconds[origin][twin]
            self.meters[origin][column] = self.meters[origin][twin]
            return
        block = self._blocks[self._block_of[column]]
        seconds, metres = self._legs(np.full(len(block), origin), block)
        places = block.tolist()
        self.seconds[origin].update(zip(places, seconds.tolist(), strict=True))
        self.meters[origin].update(zip(places, metres.tolist(), strict=True))
        for place, s, m in zip(places, seconds.tolist(), metres.tolist(), strict=True):
            dict.__setitem__(self.seconds[place], origin, s)
            dict.__setitem__(self.meters[place], origin, m)

    def _legs(self, rows: IntArray, columns: IntArray) -> tuple[IntArray, IntArray]:
        self.pairs += len(rows)
        lat, lon = self._lat, self._lon
        return legs(lat[rows], lon[rows], lat[columns], lon[columns], self._params)

    def dense(self, places: Sequence[int]) -> tuple[IntArray, IntArray]:
        """Seconds and metres among ``places``: each pair computed once (the model is symmetric).

        The values are also kept in the lazily filled rows.
        """
        index = np.asarray(places, dtype=np.int64)
        n = len(index)
        upper_i, upper_j = np.triu_indices(n, 1)
        half_s, half_m = self._legs(index[upper_i], index[upper_j])
        seconds, metres = np.zeros((n, n), np.int64), np.zeros((n, n), np.int64)
        seconds[upper_i, upper_j] = seconds[upper_j, upper_i] = half_s
        metres[upper_i, upper_j] = metres[upper_j, upper_i] = half_m
        # Kept for lookups too: a part of a large day is then looked up without a miss.
        columns = index.tolist()
        for place, s_row, m_row in zip(columns, seconds.tolist(), metres.tolist(), strict=True):
            self.seconds[place].update(zip(columns, s_row, strict=True))
            self.meters[place].update(zip(columns, m_row, strict=True))
        return seconds, metres

    def estimate(self, origins: Sequence[int], places: Sequence[int]) -> FloatArray:
        """Approximate seconds from each origin to each place (a sphere; for ranking only)."""
        rows, columns = np.asarray(origins), np.asarray(places)
        lat1, lon1 = np.radians(self._lat[rows])[:, None], np.radians(self._lon[rows])[:, None]
        lat2, lon2 = (
            np.radians(self._lat[columns])[None, :],
            np.radians(self._lon[columns])[None, :],
        )
        half = np.sin((lat2 - lat1) / 2) ** 2
        half = half + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        metres = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))
        return np.asarray(metres * self._params.detour_factor / (self._params.speed_kmh / 3.6))

    def max_seconds(self) -> int:
        """A bound on any leg: a meridian then a parallel through the bounding box, plus a minute.

        The geodesic is never longer than that path, and the equatorial radius bounds both arcs.
        """
        span = math.radians(float(np.ptp(self._lat))) + math.radians(
            min(180.0, float(np.ptp(self._lon)))
        )
        metres = 6_378_137.0 * span * 1.001 * self._params.detour_factor
        return 60 * math.ceil(metres / (self._params.speed_kmh / 3.6) / 60) + 60


def _blocks(lats: FloatArray, lons: FloatArray) -> tuple[list[IntArray], IntArray]:
    """Places grouped into blocks of about ``BLOCK`` neighbours, and each place's block."""
    n = len(lats)
    bands = max(1, round(math.sqrt(n / BLOCK)))
    by_lat = np.argsort(lats, kind="stable")
    blocks: list[IntArray] = []
    for band in np.array_split(by_lat, bands):
        ordered = band[np.argsort(lons[band], kind="stable")]
        blocks.extend(np.array_split(ordered, max(1, round(len(band) / BLOCK))))
    block_of = np.zeros(n, dtype=np.int64)
    for number, block in enumerate(blocks):
        block_of[block] = number
    return blocks, block_of


@lru_cache(maxsize=64)
def _cached(key: tuple[tuple[float, float], ...], speed: float, detour: float) -> TravelMatrix:
    travel = _geodesic(key, speed, detour)
    seconds, metres = travel.dense(range(len(key)))
    return TravelMatrix(tuple(map(tuple, seconds.tolist())), tuple(map(tuple, metres.tolist())))


# A large day's rows grow as the planner asks for them: keep only the last few days.
@lru_cache(maxsize=2)
def _cached_large(
    key: tuple[tuple[float, float], ...], speed: float, detour: float
) -> GeodesicTravel:
    return _geodesic(key, speed, detour)


def _geodesic(key: tuple[tuple[float, float], ...], speed: float, detour: float) -> GeodesicTravel:
    coords = np.asarray(key, dtype=np.float64).reshape(-1, 2)
    return GeodesicTravel(coords[:, 0].copy(), coords[:, 1].copy(), TravelParams(speed, detour))


def matrix(
    points: Sequence[Point], params: TravelParams = TravelParams()
) -> TravelMatrix | GeodesicTravel:
    """Travel seconds and metres between all ``points`` (cached by rounded coordinates).

    Dense up to ``DENSE_PLACES`` places, computed on demand beyond (see the module docstring).
    """
    key = tuple((round(p.lat, _KEY_DIGITS), round(p.lon, _KEY_DIGITS)) for p in points)
    if len(key) > DENSE_PLACES:
        return _cached_large(key, params.speed_kmh, params.detour_factor)
    return _cached(key, params.speed_kmh, params.detour_factor)
