"""``fieldvisit solve PROBLEM.json [--out SOLUTION.json]``: plan without a database or a window.

Exit codes (spec/solve.md): 0 solved, even with unscheduled visits; 2 invalid input, every problem
named by its JSON path on stderr; 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    solve = commands.add_parser(
        "solve", help="check and plan a problem file (JSON), print the solution", parents=[common]
    )
    solve.add_argument("problem", type=Path, help="problem JSON file, or - for standard input")
    solve.add_argument("--out", type=Path, default=None, help="solution file (default: stdout)")
    solve.set_defaults(handler=solve_file)


def solve_file(args: argparse.Namespace) -> int:
    from fieldvisit.app.solve.reading import parse_problem
    from fieldvisit.app.solve.run import solve
    from fieldvisit.domain.errors import ValidationError
    from fieldvisit.routing.planner import solve as plan_routes

    raw = _read_json(args.problem)
    if isinstance(raw, str):
        raise ValidationError("solve.input.invalid", problems=raw)
    problem = parse_problem(raw)
    try:
        solution = solve(problem, lambda routing, budget: plan_routes(routing, budget))
    except ValidationError:
        raise
    except Exception as exc:  # exit code 1 means "our bug", with the cause for the report
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(solution, ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _read_json(path: Path) -> Any:
    """The parsed document, or a ``path: message`` string saying why it cannot be read."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"$: cannot read {path}: {exc.strerror}"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return f"$: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
