"""OSRM table-service client (stdlib only), used instead of the geodesic model when configured."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from fieldvisit.routing.model import TravelMatrix
from fieldvisit.routing.travel import Point


class OsrmError(RuntimeError):
    """The OSRM server could not give a usable matrix; the message says why."""


def table_url(base_url: str, points: Sequence[Point], profile: str = "driving") -> str:
    """The table-service request for ``points`` (OSRM wants ``lon,lat`` pairs)."""
    coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
    query = urllib.parse.urlencode({"annotations": "duration,distance"})
    return f"{base_url.rstrip('/')}/table/v1/{profile}/{coords}?{query}"


def fetch_matrix(
    base_url: str,
    points: Sequence[Point],
    *,
    profile: str = "driving",
    timeout: float = 10.0,
) -> TravelMatrix:
    """Durations (rounded up to whole minutes, like the geodesic model) and distances from OSRM."""
    if len(points) < 2:
        return TravelMatrix.of([[0] * len(points) for _ in points] or [[0]])
    url = table_url(base_url, points, profile)
    body = _get(url, timeout)
    if body.get("code") != "Ok":
        raise OsrmError(f"OSRM answered {body.get('code')}: {body.get('message', 'no message')}")
    seconds = _rows(body, "durations", len(points))
    meters = _rows(body, "distances", len(points))
    return TravelMatrix.of(
        [[60 * math.ceil(round(x, 6) / 60) for x in row] for row in seconds],
        [[round(x) for x in row] for row in meters],
    )


def _get(url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:200]
        raise OsrmError(f"OSRM server returned HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OsrmError(
            f"cannot reach the OSRM server at {url.split('/table/')[0]}: {exc}"
        ) from exc
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise OsrmError("the OSRM server did not answer with JSON") from exc
    if not isinstance(body, dict):
        raise OsrmError("the OSRM answer is not a JSON object")
    return body


def _rows(body: dict[str, Any], key: str, size: int) -> list[list[float]]:
    rows = body.get(key)
    if not isinstance(rows, list) or len(rows) != size:
        raise OsrmError(f"the OSRM answer has no {size}x{size} '{key}' table")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != size:
            raise OsrmError(f"the OSRM answer's '{key}' row {i} has the wrong length")
        if any(x is None for x in row):
            raise OsrmError(f"OSRM found no road between place {i} and another place ({key})")
    return [[float(x) for x in row] for row in rows]
