"""TSPTW instances with proven optima through the product path: routing model, engine, checker."""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.model import Crew, Interval, Problem, TravelMatrix, Visit
from fieldvisit.routing.planner import solve

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tsptw"
INSTANCES = (
    "Dumas/n20w20.001",
    "Dumas/n20w100.001",
    "Dumas/n40w20.001",
    "Dumas/n40w100.001",
    "Dumas/n60w20.001",
    "Dumas/n60w100.001",
    "GendreauDumasExtended/n40w200.001",
    "GendreauDumasExtended/n60w200.001",
)


def to_problem(path: Path) -> Problem:
    """Windows for the start of service as given; service is folded into the matrix."""
    numbers = path.read_text(encoding="utf-8").split()
    n = int(numbers[0])
    values = [int(float(x)) for x in numbers[1 : 1 + n * n + 2 * n]]
    matrix = [values[i * n : (i + 1) * n] for i in range(n)]
    tws = [(values[n * n + 2 * i], values[n * n + 2 * i + 1]) for i in range(n)]
    visits = tuple(Visit(str(i), i, 0, (Interval(*tws[i]),), required=True) for i in range(1, n))
    crew = Crew("tour", 0, 0, Interval(*tws[0]))
    return Problem(visits, (crew,), TravelMatrix.of(matrix))


def optima(data: Path) -> dict[str, int]:
    with open(data / "Traveltime_Bounds.csv", newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        return {r["Instance Name"]: round(float(r["Best Known Solution"])) for r in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=BENCH)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    best = optima(args.data)
    hits = 0
    for name in INSTANCES:
        started = time.perf_counter()
        problem = to_problem(args.data / f"{name}.txt")
        plan = solve(problem, Budget(seconds=max(0.01, args.seconds - 0.05), seed=args.seed))
        seconds = time.perf_counter() - started
        short = name.split("/")[1]
        optimum = best[f"{short}.txt"]
        ok = not plan.unscheduled and plan.travel_seconds == optimum
        hits += ok
        print(
            f"{short:14s} travel {plan.travel_seconds:5d}  optimum {optimum:5d}  "
            f"unscheduled {len(plan.unscheduled)}  {'OPTIMAL' if ok else 'not optimal'}  "
            f"{seconds:.2f}s",
            flush=True,
        )
    print(f"summary: {hits}/{len(INSTANCES)} optimal, budget {args.seconds}s, seed {args.seed}")
    return 0 if hits == len(INSTANCES) else 1


if __name__ == "__main__":
    sys.exit(main())
