"""The solve contract's JSON Schemas accept the spec's examples and name bad input."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

PROBLEM: dict[str, Any] = {
    "version": 1,
    "date": "2026-12-01",
    "timezone": "Asia/Shanghai",
    "profile": "CN",
    "lang": "zh",
    "policy": {"contact_window": {"start": "09:00", "end": "20:00"}},
    "crews": [
        {
            "id": "crew-a",
            "members": ["u01", "u02"],
            "start": {"lat": 31.2304, "lon": 121.4737},
            "end": {"lat": 31.2304, "lon": 121.4737},
            "shift": {"start": "08:30", "end": "18:00"},
            "break": {"earliest": "11:30", "latest": "13:30", "minutes": 45},
            "max_visits": 12,
        }
    ],
    "visits": [
        {
            "id": "v001",
            "case_id": "K1001",
            "debtor_id": "D1001",
            "location": {"lat": 31.2401, "lon": 121.4990},
            "place": "home",
            "service_minutes": 30,
            "priority": 60,
            "required": False,
            "windows": [{"start": "09:00", "end": "12:00"}, {"start": "18:00", "end": "20:30"}],
            "blackouts": [{"start": "12:00", "end": "14:00"}],
            "case_state": "active",
            "flags": ["daylight_only"],
            "history": [{"at": "2026-11-26T10:05:00+08:00", "channel": "visit", "contacted": True}],
        }
    ],
    "travel": {"speed_kmh": 30, "detour_factor": 1.3},
    "time_limit_seconds": 2,
    "seed": 0,
}

SOLUTION: dict[str, Any] = {
    "version": 1,
    "routes": [
        {
            "crew": "crew-a",
            "depart": "08:30",
            "return": "16:42",
            "stops": [
                {
                    "visit": "v001",
                    "arrive": "09:05",
                    "start": "09:05",
                    "end": "09:35",
                    "needs_approval": [{"rule": "CN.min_gap_days", "message": "…", "source": "…"}],
                    "warnings": [],
                }
            ],
            "break": {"start": "12:10", "end": "12:55"},
            "travel_seconds": 5123,
            "travel_meters": 41230,
        }
    ],
    "unscheduled": [
        {
            "visit": "v007",
            "reasons": [{"rule": "CN.night", "severity": "block", "message": "…", "source": "…"}],
        },
        {
            "visit": "v012",
            "reasons": [{"rule": "route.shift_capacity", "severity": "plan", "message": "…"}],
        },
    ],
    "summary": {"scheduled": 11, "unscheduled": 3, "weight_scheduled": 651, "travel_seconds": 9123},
}


def _schema(name: str) -> Any:
    path = resources.files("fieldvisit.resources").joinpath("schemas", f"{name}.schema.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _errors(name: str, document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema(name))
    return [e.json_path for e in validator.iter_errors(document)]


@pytest.mark.parametrize("name", ["solve-problem", "solve-solution"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = _schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_spec_problem_example_is_valid() -> None:
    assert _errors("solve-problem", PROBLEM) == []


def test_matrix_travel_is_valid() -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["travel"] = {
        "matrix": {
            "ids": ["v001", "crew-a:start", "crew-a:end"],
            "seconds": [[0, 60, 60], [60, 0, 0], [60, 0, 0]],
            "meters": [[0, 500, 500], [500, 0, 0], [500, 0, 0]],
        }
    }
    assert _errors("solve-problem", problem) == []


def test_spec_solution_example_is_valid() -> None:
    assert _errors("solve-solution", SOLUTION) == []


def test_bad_time_is_reported_with_its_path() -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["visits"][0]["windows"][0]["end"] = "25:00"
    assert _errors("solve-problem", problem) == ["$.visits[0].windows[0].end"]


def test_priority_out_of_range_is_reported() -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["visits"][0]["priority"] = 101
    assert _errors("solve-problem", problem) == ["$.visits[0].priority"]


def test_unknown_profile_is_reported() -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["profile"] = "FR"
    assert _errors("solve-problem", problem) == ["$.profile"]


def test_unscheduled_visit_needs_a_reason() -> None:
    solution = copy.deepcopy(SOLUTION)
    solution["unscheduled"][1]["reasons"] = []
    assert _errors("solve-solution", solution) == ["$.unscheduled[1].reasons"]


def test_a_solved_small_day_says_optimal_and_keeps_the_schema() -> None:
    from fieldvisit.app.solve.reading import parse_problem
    from fieldvisit.app.solve.run import solve
    from fieldvisit.routing.planner import solve as plan_routes

    solution = solve(parse_problem(copy.deepcopy(PROBLEM)), plan_routes)
    assert solution["optimal"] is True
    assert _errors("solve-solution", solution) == []
    assert _errors("solve-solution", {**SOLUTION, "optimal": False}) == []
