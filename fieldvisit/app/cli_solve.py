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
    from fieldvisit.routing.model import ProblemError
    from fieldvisit.routing.planner import solve as plan_routes

    raw = _read_json(args.problem)
    if isinstance(raw, str):
        raise ValidationError("solve.input.invalid", problems=raw)
    problem = parse_problem(raw)
    try:
        solution = solve(problem, lambda routing, budget: plan_routes(routing, budget))
    except ValidationError:
        raise
    except (ProblemError, RuntimeError) as exc:
        found = _input_problem(problem, exc)
        if found is None:
            print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        raise ValidationError("solve.input.invalid", problems=found) from exc
    except Exception as exc:  # exit code 1 means "our bug", with the cause for the report
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(solution, ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _input_problem(problem: Any, error: Exception) -> str | None:
    """``path: message`` when the planner refused the input itself (a crew that cannot even
    leave and come back within its shift); None for a failure of the product."""
    from fieldvisit.routing.model import ProblemError

    text = str(error)
    for index, crew in enumerate(problem.crews):
        if f"crew {crew.id} " in text or f"crew {crew.id}:" in text:
            return f"crews[{index}]: {text}"
    return f"$: {text}" if isinstance(error, ProblemError) else None


def _read_json(path: Path) -> Any:
    """The parsed document, or a ``path: message`` string saying why it cannot be read."""
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        return f"$: cannot read {path}: {exc.strerror}"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"$: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})"
    try:
        # NaN, Infinity and numbers past any range become non-finite floats, rejected at their
        # path by the reader; the standard library would raise on 4,300-digit integers.
        return json.loads(text, parse_int=_int, parse_constant=float)
    except json.JSONDecodeError as exc:
        return f"$: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    except RecursionError:
        return "$: nested too deeply"


def _int(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else float("inf")


MAX_DIGITS = 300
