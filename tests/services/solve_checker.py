"""An independent check of a ``solve`` solution against its problem (spec/solve.md).

It recomputes travel from geopy and the spec's formula, and re-reads the times as text: it shares
no code with the planner or the solution writer.
"""

from __future__ import annotations

import math
from typing import Any

from geopy.distance import geodesic


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def travel_minutes(a: dict[str, float], b: dict[str, float], travel: dict[str, float]) -> int:
    if (a["lat"], a["lon"]) == (b["lat"], b["lon"]):
        return 0
    metres = geodesic((a["lat"], a["lon"]), (b["lat"], b["lon"])).meters * travel["detour_factor"]
    return math.ceil(round(metres / (travel["speed_kmh"] * 1000 / 3600), 6) / 60)


def check_solution(problem: dict[str, Any], solution: dict[str, Any]) -> list[str]:
    """Every way ``solution`` breaks the contract; empty when it keeps it."""
    errors: list[str] = []
    visits = {v["id"]: v for v in problem["visits"]}
    seen = [s["visit"] for r in solution["routes"] for s in r["stops"]]
    seen += [u["visit"] for u in solution["unscheduled"]]
    if sorted(seen) != sorted(visits):
        errors.append(f"visits not exactly once: {sorted(seen)} vs {sorted(visits)}")
    for item in solution["unscheduled"]:
        if not item["reasons"]:
            errors.append(f"{item['visit']} unscheduled without a reason")
    crews = {c["id"]: c for c in problem["crews"]}
    travel = {"speed_kmh": 30.0, "detour_factor": 1.3, **problem.get("travel", {})}
    for route in solution["routes"]:
        errors += _check_route(crews[route["crew"]], route, visits, travel)
    return errors


def _check_route(
    crew: dict[str, Any], route: dict[str, Any], visits: dict[str, Any], travel: dict[str, float]
) -> list[str]:
    errors = []
    shift = crew["shift"]
    place, clock = crew["start"], minutes(route["depart"])
    gaps = [(minutes(shift["start"]), clock, 0)]  # (from, to, drive minutes inside)
    if clock < minutes(shift["start"]):
        errors.append(f"{crew['id']}: departs before the shift")
    for stop in route["stops"]:
        visit = visits[stop["visit"]]
        drive = travel_minutes(place, visit["location"], travel)
        arrive, start, end = (minutes(stop[k]) for k in ("arrive", "start", "end"))
        gaps.append((clock, start, drive))
        if arrive < clock + drive or start < arrive:
            errors.append(f"{stop['visit']}: arrives too early for the drive, or starts early")
        if end - start != visit["service_minutes"]:
            errors.append(f"{stop['visit']}: end is not start + service")
        windows = visit.get("windows") or [{"start": "00:00", "end": "24:00"}]
        if not any(minutes(w["start"]) <= start and end <= minutes(w["end"]) for w in windows):
            errors.append(f"{stop['visit']}: outside the debtor's windows")
        for black in visit.get("blackouts", []):
            if start < minutes(black["end"]) and minutes(black["start"]) < end:
                errors.append(f"{stop['visit']}: inside a blackout")
        place, clock = visit["location"], end
    back = travel_minutes(place, crew.get("end", crew["start"]), travel)
    returned = minutes(route["return"])
    gaps += [(clock, returned, back), (returned, minutes(shift["end"]), 0)]
    if returned < clock + back or returned > minutes(shift["end"]):
        errors.append(f"{crew['id']}: returns too early for the drive back, or after the shift")
    if crew.get("max_visits") is not None and len(route["stops"]) > crew["max_visits"]:
        errors.append(f"{crew['id']}: more than max_visits")
    return errors + _check_break(crew, route, gaps)


def _check_break(
    crew: dict[str, Any], route: dict[str, Any], gaps: list[tuple[int, int, int]]
) -> list[str]:
    rule = crew.get("break")
    if rule is None:
        return []
    if "break" not in route:
        return [f"{crew['id']}: the route does not state its break"]
    start, end = minutes(route["break"]["start"]), minutes(route["break"]["end"])
    errors = []
    if start < minutes(rule["earliest"]) or end > minutes(rule["latest"]):
        errors.append(f"{crew['id']}: break outside earliest/latest")
    if end - start < rule["minutes"]:
        errors.append(f"{crew['id']}: break too short")
    # The break lies between two activities, with room there for the drive and the break.
    if not any(a <= start and end <= b and b - a >= end - start + drive for a, b, drive in gaps):
        errors.append(f"{crew['id']}: the break overlaps a visit or leaves no room for the drive")
    return errors
