"""Generator of realistic collector days as routing problems (seeded, several cities, CN and US).

A day: 8-60 visits around one city, 1-6 crews from one office, lunch breaks, debtor windows
(morning, evening, office hours with a lunch blackout: several windows per visit), some visits
that need a crew of two, some required ones, and a per-crew visit cap on some days. Travel is
the solve contract's model (geodesic x detour / speed, whole minutes).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from fieldvisit.routing.model import BreakRule, Crew, Interval, Problem, Visit
from fieldvisit.routing.travel import Point, TravelParams, matrix


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    radius_km: float
    rules: str  # "CN" or "US": contact window, shift and break customs


CITIES = (
    City("Shanghai", 31.2304, 121.4737, 14.0, "CN"),
    City("Chengdu", 30.5728, 104.0668, 10.0, "CN"),
    City("Shenzhen", 22.5431, 114.0579, 12.0, "CN"),
    City("Chicago", 41.8781, -87.6298, 16.0, "US"),
    City("Phoenix", 33.4484, -112.0740, 20.0, "US"),
)
# Size classes of the benchmark: (name, fewest visits, most visits, fewest crews, most crews).
SIZES = (
    ("small", 8, 16, 1, 2),
    ("medium", 17, 30, 1, 4),
    ("large", 31, 60, 2, 6),
)


def _hm(hours: float) -> int:
    return round(hours * 3600)


def _point(rng: random.Random, city: City) -> Point:
    # Uniform in a disc, denser near the centre like a city's population.
    distance = city.radius_km * rng.random() ** 0.8
    bearing = rng.uniform(0.0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.0
    dlon = distance * math.sin(bearing) / (111.0 * math.cos(math.radians(city.lat)))
    return Point(round(city.lat + dlat, 6), round(city.lon + dlon, 6))


def _windows(rng: random.Random, rules: str, service: int) -> tuple[Interval, ...]:
    """Whole-visit intervals turned into start-of-service windows (start by end - service)."""
    contact = (_hm(8), _hm(20)) if rules == "CN" else (_hm(8), _hm(21))
    kind = rng.random()
    if kind < 0.35:
        spans = [contact]
    elif kind < 0.55:  # at work: office hours minus the lunch hour
        spans = [(_hm(9), _hm(12)), (_hm(13.5), _hm(17.5))]
    elif kind < 0.7:  # home, morning or evening
        spans = [(_hm(9), _hm(11.5)), (_hm(17), contact[1])]
    elif kind < 0.85:  # one afternoon slot
        start = rng.choice((13, 14, 15))
        spans = [(_hm(start), _hm(start + rng.choice((1.5, 2, 3))))]
    else:  # a two-hour appointment
        start = rng.choice((9, 10, 11, 14, 15, 16))
        spans = [(_hm(start), _hm(start + 2))]
    return tuple(Interval(a, b - service) for a, b in spans if b - service >= a)


def collector_day(seed: int, visits: int, crews: int, city: City | None = None) -> Problem:
    """One seeded collector day with ``visits`` visits and ``crews`` crews."""
    rng = random.Random(seed)
    city = city or rng.choice(CITIES)
    office = _point(rng, city)
    points = [office] + [_point(rng, city) for _ in range(visits)]
    made = []
    for i in range(1, visits + 1):
        service = 60 * rng.choice((20, 30, 30, 40, 45, 60))
        windows = _windows(rng, city.rules, service)
        made.append(
            Visit(
                f"v{i:02d}",
                i,
                service,
                windows,
                priority=min(100, int(rng.paretovariate(1.6) * 10) - 10 + rng.randint(0, 9)),
                required=rng.random() < 0.08,
                min_crew_size=2 if rng.random() < 0.12 else 1,
            )
        )
    cap = rng.choice((None, None, 6, 8, 10))
    team = [_crew(rng, k, city, cap) for k in range(crews)]
    speed = 25.0 if city.rules == "CN" else 40.0
    travel = matrix(points, TravelParams(speed_kmh=speed, detour_factor=1.3))
    return Problem(tuple(made), tuple(team), travel)


def _crew(rng: random.Random, k: int, city: City, cap: int | None) -> Crew:
    if city.rules == "CN":
        shift, lunch = Interval(_hm(8.5), _hm(18)), BreakRule(_hm(11.5), _hm(13.5), 45 * 60)
    else:
        shift, lunch = Interval(_hm(8), _hm(17)), BreakRule(_hm(11.5), _hm(14), 30 * 60)
    return Crew(
        f"crew-{k + 1}",
        0,
        0,
        shift,
        lunch if rng.random() < 0.8 else None,
        max_visits=cap,
        size=rng.choice((1, 2, 2)),
    )


def day_set(size: str, count: int, first_seed: int = 0) -> list[tuple[str, Problem]]:
    """``count`` days of one size class, named ``<size>-<seed>``, reproducible by seed."""
    name, low, high, few, many = next(s for s in SIZES if s[0] == size)
    out = []
    for seed in range(first_seed, first_seed + count):
        rng = random.Random(10_000 + seed)
        out.append(
            (f"{name}-{seed}", collector_day(seed, rng.randint(low, high), rng.randint(few, many)))
        )
    return out
