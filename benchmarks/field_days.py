"""Generated collector days through the product path: share at the best known result, gaps, time.

For every size class of ``field_gen`` and seed, each day is planned at the default budget. The
best known result of a day is the exact optimum when the planner proved one, else the best of
all runs seen: the default-budget runs of every seed and longer runs of a few seeds. Prints, per
size class and seed: the share of days at the best known (same required visits and weight, travel
no higher), weight misses, the mean and max travel gap at equal weight, and the time per day.

``--reference benchmarks/field_days_reference.json`` reads (and keeps up) the best known values of
the first 20 days per class (long runs of 10 s x 2 seeds, and every run since), so a before/after
comparison of a change takes minutes and measures against the same bar; the machine is shared, so
compare runs made under similar load (``uptime``).

Goal (issue 18): at the default budget >= 98 % of days at the best known for every seed, and
never more than 1 % above it on travel at equal weight.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import dataclass

from field_gen import SIZES, day_set  # beside this script

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.model import Plan, Problem
from fieldvisit.routing.planner import solve

Value = tuple[int, int, int]  # required visits, weight, -travel


@dataclass(frozen=True)
class Run:
    value: Value
    seconds: float
    optimal: bool


def value(problem: Problem, plan: Plan) -> Value:
    return plan.required_scheduled(problem), plan.weight(problem), -plan.travel_seconds


def plan_day(problem: Problem, seconds: float, seed: int) -> Run:
    started = time.perf_counter()
    plan = solve(problem, Budget(seconds=seconds, seed=seed))  # the checker runs inside
    return Run(value(problem, plan), time.perf_counter() - started, plan.optimal)


def best_known(
    problem: Problem, runs: list[Run], long_seconds: float, long_seeds: int, known: Value | None
) -> Value:
    """The proven optimum, else the best of the runs, the long runs and a stored reference.

    With a stored reference (``--reference``) the long runs are not repeated: before/after
    comparisons of a change then measure against the same bar and take minutes, not an hour.
    """
    proven = [r.value for r in runs if r.optimal]
    if proven:
        return proven[0]
    if known is not None:
        return max([r.value for r in runs] + [known])
    longer = [plan_day(problem, long_seconds, 100 + s).value for s in range(long_seeds)]
    return max([r.value for r in runs] + longer)


def travel_gap(run: Value, best: Value) -> float | None:
    """Travel above the best known in %, at equal required visits and weight (None: not equal)."""
    if run[:2] != best[:2]:
        return None
    return 100.0 * (best[2] - run[2]) / max(1, -best[2])


def report(size: str, seeds: list[int], days: list[tuple[list[Run], Value]]) -> list[str]:
    lines = []
    for index, seed in enumerate(seeds):
        runs = [(day_runs[index], best) for day_runs, best in days]
        at_best = sum(r.value[:2] == b[:2] and r.value[2] >= b[2] for r, b in runs)
        gaps = [g for r, b in runs if (g := travel_gap(r.value, b)) is not None]
        misses = sum(r.value[:2] < b[:2] for r, b in runs)
        times = [r.seconds for r, _ in runs]
        lines.append(
            f"{size:7s} {seed:4d} {len(runs):5d} {100.0 * at_best / len(runs):7.1f} "
            f"{misses:7d} {sum(gaps) / max(1, len(gaps)):8.2f} {max(gaps, default=0.0):7.2f} "
            f"{sum(r.optimal for r, _ in runs):6d} "
            f"{sum(times) / len(times):6.2f} {max(times):6.2f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(s[0] for s in SIZES))
    parser.add_argument("--days", type=int, default=67, help="days per size class")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--budget", type=float, default=2.0, help="seconds (the CLI default)")
    parser.add_argument("--long", type=float, default=10.0, help="seconds of a long run")
    parser.add_argument("--long-seeds", type=int, default=2)
    parser.add_argument("--reference", help="JSON file of best known values per day (kept up)")
    parser.add_argument("--detail", action="store_true", help="print every day that misses")
    args = parser.parse_args(argv)
    stored: dict[str, list[int]] = {}
    if args.reference:
        try:
            with open(args.reference, encoding="utf-8") as file:
                stored = json.load(file)
        except FileNotFoundError:
            stored = {}
    warnings.simplefilter("ignore")
    seeds = [int(s) for s in args.seeds.split(",")]
    header = "size    seed  days  best%  wmiss  meangap  maxgap  exact  mean_s  max_s"
    lines = [header]
    failed = False
    for size in args.sizes.split(","):
        days = []
        for name, problem in day_set(size, args.days):
            runs = [plan_day(problem, args.budget, seed) for seed in seeds]
            known = tuple(stored[name]) if name in stored else None
            best = best_known(problem, runs, args.long, args.long_seeds, known)  # type: ignore[arg-type]
            stored[name] = list(best)
            days.append((runs, best))
            if args.detail:
                for seed, run in zip(seeds, runs, strict=True):
                    if run.value[:2] != best[:2] or run.value[2] < best[2]:
                        print(
                            f"  {name} n={len(problem.visits)} crews={len(problem.crews)} "
                            f"seed {seed}: {run.value} best {best} {run.seconds:.2f}s",
                            flush=True,
                        )
        if args.reference:
            with open(args.reference, "w", encoding="utf-8") as file:
                json.dump(stored, file, indent=0, sort_keys=True)
        block = report(size, seeds, days)
        print("\n".join([header, *block]) if len(lines) == 1 else "\n".join(block), flush=True)
        lines.extend(block)
        failed |= any(
            float(line.split()[3]) < 98.0 or float(line.split()[6]) > 1.0 for line in block
        )
    print("goal (>= 98 % at best, max travel gap <= 1 %):", "missed" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
