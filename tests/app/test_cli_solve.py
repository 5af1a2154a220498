"""``fieldvisit solve`` exit codes and files, as the contract states them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fieldvisit.app.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "solve" / "problem.json"


def _problem() -> dict[str, object]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_solve_writes_the_solution_file(tmp_path: Path) -> None:
    problem = _problem()
    problem["time_limit_seconds"] = 0.5
    source, out = tmp_path / "p.json", tmp_path / "s.json"
    source.write_text(json.dumps(problem), encoding="utf-8")
    assert main(["solve", str(source), "--out", str(out)]) == 0
    solution = json.loads(out.read_text(encoding="utf-8"))
    assert solution["version"] == 1
    assert solution["summary"]["scheduled"] + solution["summary"]["unscheduled"] == 12


def test_every_input_problem_is_named_by_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = _problem()
    visits = problem["visits"]
    assert isinstance(visits, list)
    visits[3]["windows"] = [{"start": "09:00", "end": "25:00"}]
    visits[0]["priority"] = 101
    problem["crews"][0]["shift"]["start"] = "8am"  # type: ignore[index]
    problem["surprise"] = True
    source = tmp_path / "p.json"
    source.write_text(json.dumps(problem), encoding="utf-8")
    assert main(["solve", str(source), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert 'visits[3].windows[0].end: "25:00" is not a time' in err
    assert "visits[0].priority: 101 is not between 0 and 100" in err
    assert "crews[0].shift.start:" in err
    assert "surprise: is not a known field" in err


def test_bad_json_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.json"
    source.write_text("{ not json", encoding="utf-8")
    assert main(["solve", str(source)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_problem_from_standard_input() -> None:
    problem = _problem()
    problem["time_limit_seconds"] = 0.3
    result = subprocess.run(
        [sys.executable, "-m", "fieldvisit", "solve", "-"],
        input=json.dumps(problem),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == 1
