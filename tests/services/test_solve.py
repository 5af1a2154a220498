"""``solve``: compliance first, then routing; the example solution is real and keeps the spec."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fieldvisit.app.solve.reading import parse_problem
from fieldvisit.app.solve.run import SolveError, solve
from fieldvisit.domain.errors import ValidationError
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve as plan_routes
from tests.services.solve_checker import check_solution

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "solve"
SCHEMAS = ROOT / "resources" / "schemas"


def _load(name: str) -> Any:
    return json.loads((EXAMPLE / name).read_text(encoding="utf-8"))


def _solve(raw: dict[str, Any], iterations: int = 300) -> dict[str, Any]:
    problem = dataclasses.replace(parse_problem(raw), iterations=iterations)
    return solve(problem, plan_routes)


def test_example_files_match_the_json_schemas() -> None:
    for name, schema in (("problem.json", "solve-problem"), ("solution.json", "solve-solution")):
        document = _load(name)
        schema_doc = json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(document, schema_doc)


def test_example_solution_keeps_the_contract() -> None:
    assert check_solution(_load("problem.json"), _load("solution.json")) == []


def test_a_fresh_solution_equals_the_example_in_weight_and_keeps_the_contract() -> None:
    problem, example = _load("problem.json"), _load("solution.json")
    fresh = _solve(problem)
    assert check_solution(problem, fresh) == []
    assert fresh["summary"]["weight_scheduled"] == example["summary"]["weight_scheduled"]
    assert fresh["summary"]["travel_seconds"] <= example["summary"]["travel_seconds"] * 1.02


def test_blocked_visits_are_never_scheduled_and_say_why() -> None:
    solution = _solve(_load("problem.json"))
    reasons = {u["visit"]: {r["rule"] for r in u["reasons"]} for u in solution["unscheduled"]}
    assert reasons["v004"] == {"CN.state.disputed"}
    assert reasons["v011"] == {"CN.third_party"}
    assert reasons["v012"] == {"CN.max_per_30_days"}
    assert "v006" in reasons  # its only window lies after the policy's 20:00


def test_approvals_and_warnings_are_listed_per_stop() -> None:
    solution = _solve(_load("problem.json"))
    stops = {s["visit"]: s for r in solution["routes"] for s in r["stops"]}
    assert [a["rule"] for a in stops["v001"]["needs_approval"]] == ["CN.min_gap_days"]
    assert [a["rule"] for a in stops["v005"]["needs_approval"]] == ["CN.workplace"]
    assert all(a["source"] and a["message"] for a in stops["v001"]["needs_approval"])


def test_required_visits_are_scheduled() -> None:
    solution = _solve(_load("problem.json"))
    scheduled = {s["visit"] for r in solution["routes"] for s in r["stops"]}
    assert {"v002", "v008"} <= scheduled


def test_one_collector_crews_get_no_visits_under_cn() -> None:
    problem = _load("problem.json")
    problem["crews"] = [dict(problem["crews"][0], members=["u01"])]
    solution = _solve(problem)
    assert solution["routes"] == [] or all(not r["stops"] for r in solution["routes"])
    rules = {r["rule"] for u in solution["unscheduled"] for r in u["reasons"]}
    assert "CN.min_collectors" in rules


def test_two_visits_to_one_debtor_respect_the_daily_limit() -> None:
    problem = _load("problem.json")
    twin = dict(problem["visits"][1], id="v002b", place="work", required=False)
    problem["visits"].append(twin)
    solution = _solve(problem)
    scheduled = {s["visit"] for r in solution["routes"] for s in r["stops"]}
    assert not {"v002", "v002b"} <= scheduled
    left = {u["visit"]: [r["rule"] for r in u["reasons"]] for u in solution["unscheduled"]}
    assert left["v002b"] == ["CN.max_per_day"]


def test_english_messages_follow_the_problem_language() -> None:
    problem = _load("problem.json")
    problem["lang"] = "en"
    solution = _solve(problem)
    message = next(u for u in solution["unscheduled"] if u["visit"] == "v004")["reasons"][0]
    assert message["message"].isascii()


def test_a_looser_policy_is_an_input_error_with_its_path() -> None:
    problem = _load("problem.json")
    problem["policy"] = {"min_gap_days": 3}
    with pytest.raises(ValidationError) as caught:
        _solve(problem)
    assert caught.value.params["problems"].startswith("policy.min_gap_days:")


def test_a_plan_that_breaks_a_verdict_is_refused() -> None:
    def bad_planner(problem: rm.Problem, budget: Budget) -> rm.Plan:
        visit = next(v for v in problem.visits if v.id == "v003")
        crew = problem.crews[0]
        stop = rm.Stop(visit.id, 9 * 3600, 9 * 3600, 9 * 3600 + visit.service)  # not 14-16
        route = rm.Route(crew.id, 8 * 3600 + 1800, (stop,), 10 * 3600)
        return rm.Plan((route,))

    problem = parse_problem(_load("problem.json"))
    with pytest.raises(SolveError, match="v003"):
        solve(problem, bad_planner)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s["routes"][1]["stops"][0].update(start="08:00", end="08:45"), "starts early"),
        (lambda s: s["routes"][0]["stops"][0].update(end="10:45"), "start + service"),
        (lambda s: s["routes"][0].update({"break": {"start": "10:10", "end": "10:55"}}), "break"),
        (lambda s: s["unscheduled"].pop(), "exactly once"),
        (lambda s: s["routes"][0].update({"return": "19:00"}), "after the shift"),
    ],
)
def test_the_checker_catches_broken_solutions(mutate: Any, expected: str) -> None:
    solution = _load("solution.json")
    mutate(solution)
    errors = check_solution(_load("problem.json"), solution)
    assert any(expected in error for error in errors), errors
