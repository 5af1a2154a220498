"""Time of the exact method on generated collector days, by crews and visits (sets its limits).

For each (crews, visits) pair, ``--days`` days of ``field_gen``: the time of the exact attempt as
the planner makes it (the constructed day as the known plan, the product's work limit), the share
of days it proves, and the time without a work limit (to see where the limit is needed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

from field_gen import collector_day  # beside this script

from fieldvisit.routing import exact, planner
from fieldvisit.routing.construct import improve_by_swaps
from fieldvisit.routing.reasons import can_go_alone

CASES = ((1, 12), (1, 16), (1, 20), (1, 22), (2, 10), (2, 14), (2, 16), (3, 10), (4, 8))


def attempt(crews: int, visits: int, seed: int, unlimited: bool) -> tuple[float, bool]:
    problem = collector_day(1000 * crews + 10 * visits + seed, visits, crews)
    candidates = [v for v in problem.visits if can_go_alone(problem, v)]
    started = time.perf_counter()
    start = improve_by_swaps(problem, planner._constructed(problem, candidates), candidates)
    known = planner._value(problem, start)
    budget = 10**9 if unlimited else None
    found = exact.solve_exact(problem, candidates, (known[0], known[1]), budget)
    return time.perf_counter() - started, found is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--unlimited", action="store_true", help="also time without a work limit")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    print("crews visits  proved  mean_s  max_s" + ("  unlimited_max_s" if args.unlimited else ""))
    for crews, visits in CASES:
        runs = [attempt(crews, visits, seed, False) for seed in range(args.days)]
        times = [t for t, _ in runs]
        line = (
            f"{crews:5d} {visits:6d} {sum(ok for _, ok in runs):4d}/{len(runs):<3d}"
            f"{statistics.mean(times):6.2f} {max(times):6.2f}"
        )
        if args.unlimited:
            line += f" {max(attempt(crews, visits, s, True)[0] for s in range(args.days)):14.2f}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
