"""Synthetic field days (field15, field30opt) through the product path, seeds 0-4."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.model import Crew, Interval, Problem, TravelMatrix, Visit
from fieldvisit.routing.planner import solve

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "field"
# Time kept after the search for exact timing, leftover insertion, reasons and the checker.
FINISH_MARGIN = 0.1
# name -> (file, budget seconds, target weight or None, target travel seconds)
CASES = {
    "field15": ("field15_s1_a8_h10.json", 0.5, None, 7113),
    "field30opt": ("field30opt_s1_a8_h10.json", 1.0, 58, int(1.02 * 5582)),
}


def to_problem(path: Path) -> Problem:
    """Node 0 is the office; windows are for the start of service; shift [0, 36000] s."""
    data = json.loads(path.read_text(encoding="utf-8"))
    visits = tuple(
        Visit(
            id=str(i),
            location=i,
            service=data["service"][i],
            windows=tuple(Interval(a, b) for a, b in data["tws"][i]),
            priority=data["priority"][i],
            required=data["required"][i],
        )
        for i in range(1, len(data["T"]))
    )
    crew = Crew("collector", 0, 0, Interval(0, 36000))
    return Problem(visits, (crew,), TravelMatrix.of(data["T"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default="field15,field30opt")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--data", type=Path, default=BENCH)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    failures = 0
    for case in args.cases.split(","):
        filename, budget, weight_target, travel_target = CASES[case]
        for seed in (int(s) for s in args.seeds.split(",")):
            started = time.perf_counter()
            problem = to_problem(args.data / filename)
            plan = solve(problem, Budget(seconds=budget - FINISH_MARGIN, seed=seed))
            seconds = time.perf_counter() - started
            weight = plan.weight(problem)
            ok = not (plan.unscheduled and weight_target is None)
            ok = ok and (weight_target is None or weight >= weight_target)
            ok = ok and plan.travel_seconds <= travel_target
            failures += not ok
            print(
                f"{case:11s} seed {seed}  visits {len(plan.scheduled_ids()):2d}  "
                f"weight {weight:3d}  "
                f"travel {plan.travel_seconds:5d}  {'ok' if ok else 'MISSED'}  {seconds:.2f}s",
                flush=True,
            )
    print(f"summary: {failures} run(s) missed the target")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
