"""Solomon / Gehring-Homberger VRPTW through the product path: routing model, engine, checker."""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
import time
import warnings
from pathlib import Path

import vrplib  # type: ignore[import-untyped]

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.model import Crew, Interval, Plan, Problem, TravelMatrix, Visit
from fieldvisit.routing.planner import solve

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "solomon"
FOLDERS = {"25": "25", "50": "50", "100": "100", "gh400": "gh400"}
# Time left after the search for exact timing, the leftover pass and the checker.
FINISH_MARGIN = 0.06


def instance_path(data: Path, which: str, name: str) -> Path:
    suffix = f".{which}" if which in ("25", "50") and not name.endswith(f".{which}") else ""
    return data / FOLDERS[which] / f"{name}{suffix}.vrp"


def to_problem(path: Path) -> Problem:
    """Integer tenths: distances truncated to one decimal (DIMACS), travel time = distance."""
    inst = vrplib.read_instance(str(path))
    coords = inst["node_coord"]
    n = len(coords)
    tenths = [
        [math.floor(10 * math.hypot(*(coords[i] - coords[j])) + 1e-9) for j in range(n)]
        for i in range(n)
    ]
    windows = inst["time_window"]
    service = int(inst["service_time"]) * 10
    visits = tuple(
        Visit(
            id=str(i),
            location=i,
            service=service,
            windows=(Interval(int(windows[i][0]) * 10, int(windows[i][1]) * 10),),
            required=True,
            demand=int(inst["demand"][i]),
        )
        for i in range(1, n)
    )
    shift = Interval(int(windows[0][0]) * 10, int(windows[0][1]) * 10)
    crews = tuple(
        Crew(f"v{k}", 0, 0, shift, capacity=int(inst["capacity"])) for k in range(inst["vehicles"])
    )
    return Problem(visits, crews, TravelMatrix.of(tenths))


def best_known(data: Path) -> dict[str, float]:
    with open(data / "bks.csv", newline="", encoding="utf-8") as fh:
        return {
            r["instance"]: float(r["bks_distance"]) for r in csv.DictReader(fh) if r["bks_distance"]
        }


def run_one(path: Path, seconds: float, seed: int) -> tuple[Plan, float]:
    started = time.perf_counter()
    problem = to_problem(path)
    left = max(0.01, seconds - (time.perf_counter() - started) - FINISH_MARGIN)
    plan = solve(problem, Budget(seconds=left, seed=seed))
    return plan, time.perf_counter() - started


def default_names(data: Path, which: str) -> list[str]:
    folder = data / FOLDERS[which]
    return sorted(p.name.split(".")[0] for p in folder.glob("*.vrp"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", dest="which", choices=sorted(FOLDERS), default="100")
    parser.add_argument("--instances", default="", help="comma-separated, e.g. R101,C201")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=BENCH)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # PyVRP's penalty warnings are not results
    names = [n for n in args.instances.split(",") if n] or default_names(args.data, args.which)
    bks = best_known(args.data)
    gaps: list[float] = []
    for name in names:
        plan, seconds = run_one(instance_path(args.data, args.which, name), args.seconds, args.seed)
        key = name if args.which in ("100", "gh400") else f"{name}.{args.which}"
        cost = plan.travel_seconds / 10
        routes = [[int(s.visit) for s in r.stops] for r in plan.routes if r.stops]
        missing = len(plan.unscheduled)
        ref = bks.get(key)
        gap = None if ref is None or missing else 100.0 * (cost - ref) / ref
        if gap is not None:
            gaps.append(gap)
        gap_text = "n/a" if gap is None else f"{gap:+.2f}%"
        print(
            f"{key:10s} cost {cost:9.1f}  bks {ref or float('nan'):9.1f}  gap {gap_text:>8s}  "
            f"routes {len(routes):3d}  unscheduled {missing}  {seconds:.2f}s",
            flush=True,
        )
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            record = {"instance": key, "routes": routes, "cost": cost, "seconds": round(seconds, 2)}
            (args.out / f"{key}.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    if gaps:
        print(
            f"summary: {len(gaps)}/{len(names)} instances with a gap, mean gap "
            f"{statistics.fmean(gaps):.3f}%, max {max(gaps):.3f}%, budget {args.seconds}s, "
            f"seed {args.seed}"
        )
    return 0 if len(gaps) == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
