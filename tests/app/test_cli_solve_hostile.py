"""Hostile ``solve`` inputs from issue #21 item 7: exit 2 with the problem at its JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.app.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "solve" / "problem.json"


def _problem() -> dict[str, Any]:
    problem: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    problem["visits"] = problem["visits"][:3]
    problem["time_limit_seconds"] = 0.2
    return problem


def _run(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    source = tmp_path / "p.json"
    source.write_bytes(data)
    code = main(["solve", str(source), "--lang", "en"])
    return code, capsys.readouterr().err


def _with(path: str, raw: str) -> bytes:
    """The example with the value at ``path`` replaced by raw JSON text."""
    problem = _problem()
    target: Any = problem
    flat = path.replace("[", ".").replace("]", "")
    steps = [int(s) if s.isdigit() else s for s in flat.split(".")]
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = "@@here@@"
    return json.dumps(problem).replace('"@@here@@"', raw).encode("utf-8")


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("timezone", '"America"', 'timezone: "America" is not an IANA time zone'),
        ("visits[0].flags", "[{}]", "visits[0].flags: must hold flag names"),
        ("travel.speed_kmh", "NaN", "travel.speed_kmh: nan is not a finite number"),
        ("travel.speed_kmh", "Infinity", "travel.speed_kmh: inf is not a finite number"),
        ("travel.detour_factor", "-Infinity", "travel.detour_factor: -inf is not a finite number"),
        ("travel.detour_factor", "NaN", "travel.detour_factor: nan is not a finite number"),
        ("seed", "-1", "seed: -1 is not between 0 and 2147483647"),
        ("date", '"0001-01-01"', 'date: "0001-01-01" is not between 2000-01-01 and 2199-12-31'),
        ("date", '"9999-12-31"', 'date: "9999-12-31" is not between 2000-01-01 and 2199-12-31'),
        ("crews[0].members", "[]", "crews[0].members: needs at least one collector"),
        ("crews[0].id", '""', "crews[0].id: must not be empty"),
        ("crews[0].max_visits", "9" * 4300, "crews[0].max_visits: inf is not an integer"),
        ("visits[0].priority", "1e400", "visits[0].priority: inf is not an integer"),
        ("crews[0].break.latest", '"23:59"', "crews[0].break: must lie inside the shift"),
    ],
)
def test_hostile_values_are_named_at_their_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, raw: str, expected: str
) -> None:
    code, err = _run(tmp_path, _with(path, raw), capsys)
    assert code == 2, err
    assert expected in err
    assert "Traceback" not in err
    assert "internal error" not in err


def test_a_file_that_is_not_utf8_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.dumps(_problem()).replace("crew-a", "外访").encode("gbk")
    code, err = _run(tmp_path, data, capsys)
    assert code == 2
    assert "$: not UTF-8 text" in err


def test_deep_nesting_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(tmp_path, _with("policy", "[" * 2500 + "]" * 2500), capsys)
    assert code == 2
    assert "nested too deeply" in err or "policy:" in err


def test_a_crew_that_cannot_leave_and_return_within_its_shift_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = _problem()
    problem["crews"][1]["end"] = {"lat": 0.0, "lon": 0.0}
    code, err = _run(tmp_path, json.dumps(problem).encode(), capsys)
    assert code == 2
    assert "crews[1]: crew crew-b" in err
