"""Team-scale days through the product path: time, peak memory, phases and weight, by size.

Each row is one generated day (crews spread over a branch's area, visits around their bases, all
optional, one lunch break per crew, some visits with morning, afternoon or split windows) solved
by ``fieldvisit solve``'s own code (JSON problem -> compliance -> planner -> solution) in a fresh
child process, so peak memory is that row's own. Times exclude the interpreter's start-up and
imports. Goals (issue 22): every row within budget + 0.5 s; peak memory <= 1 GB at 2,000 visits;
at 1,000 visits the 10 s weight within 2 % of a 120 s run of the same planner (``--reference``).

    python benchmarks/scale.py                       # the main rows at 2 s and 10 s
    python benchmarks/scale.py --rows 20x1000 --budgets 10 --reference 120
    python benchmarks/scale.py --clock cpu           # deadline and "over" in CPU seconds
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from typing import Any

ROWS = "1x20,1x100,1x200,1x1000,10x500,20x1000,40x2000,60x3000,60x5000"
PHASES = ("screen", "split", "warm_start", "search", "leftovers", "borders", "output")


def generated_day(crews: int, visits: int, budget: float, seed: int = 0) -> dict[str, Any]:
    """A branch's day as a solve problem (spec/solve.md), the same for the same arguments."""
    rng = random.Random(seed)
    side = max(1, math.ceil(math.sqrt(crews)))
    bases = []
    for index in range(crews):
        row, column = divmod(index, side)
        lat = 31.0 + row * 0.12 + rng.uniform(-0.02, 0.02)
        lon = 121.2 + column * 0.14 + rng.uniform(-0.02, 0.02)
        bases.append((lat, lon))
    problem_crews = [
        {
            "id": f"c{index:02d}",
            "members": [f"u{2 * index}", f"u{2 * index + 1}"],
            "start": {"lat": round(lat, 6), "lon": round(lon, 6)},
            "shift": {"start": "08:30", "end": "18:00"},
            "break": {"earliest": "11:30", "latest": "13:30", "minutes": 45},
        }
        for index, (lat, lon) in enumerate(bases)
    ]
    return {
        "version": 1,
        "date": "2026-12-01",
        "timezone": "Asia/Shanghai",
        "profile": "CN",
        "lang": "en",
        "crews": problem_crews,
        "visits": [_visit(rng, bases, number) for number in range(visits)],
        "travel": {"speed_kmh": 30, "detour_factor": 1.3},
        "time_limit_seconds": budget,
        "seed": seed,
    }


def _visit(rng: random.Random, bases: list[tuple[float, float]], number: int) -> dict[str, Any]:
    lat, lon = bases[rng.randrange(len(bases))]
    visit: dict[str, Any] = {
        "id": f"v{number:04d}",
        "case_id": f"K{number}",
        "debtor_id": f"D{number}",
        "location": {
            "lat": round(lat + rng.gauss(0, 0.04), 6),
            "lon": round(lon + rng.gauss(0, 0.045), 6),
        },
        "place": "home",
        "service_minutes": rng.choice([20, 30, 30, 45]),
        "priority": rng.randint(0, 100),
        "required": False,
        "case_state": "active",
    }
    draw = rng.random()
    if draw < 0.3:
        visit["windows"] = [{"start": "09:00", "end": "12:00"}]
    elif draw < 0.5:
        visit["windows"] = [{"start": "14:00", "end": "18:00"}]
    elif draw < 0.6:
        visit["windows"] = [{"start": "09:00", "end": "11:00"}, {"start": "15:00", "end": "17:30"}]
    return visit


def run_one(crews: int, visits: int, budget: float, cpu_clock: bool) -> dict[str, Any]:
    """Solve one generated day here (called in a child process) and measure it.

    With ``cpu_clock`` the planner's deadline runs on this process's CPU time: on a shared,
    overloaded machine that is the solver's own time, and wall time says more about the others.
    """
    from fieldvisit.app.solve.reading import parse_problem
    from fieldvisit.app.solve.run import solve
    from fieldvisit.routing.planner import solve as plan_routes

    raw = generated_day(crews, visits, budget)
    phases: dict[str, float] = {}

    def heard(phase: str, seconds: float) -> None:
        phases[phase] = phases.get(phase, 0.0) + seconds

    planner_wall: list[float] = []

    def planner(routing: Any, limit: Any) -> Any:
        started = time.perf_counter()
        clock = time.process_time if cpu_clock else time.perf_counter
        plan = plan_routes(routing, limit, on_phase=heard, clock=clock)
        planner_wall.append(time.perf_counter() - started)
        return plan

    started, cpu = time.perf_counter(), time.process_time()
    solution = solve(parse_problem(raw), planner)
    wall = time.perf_counter() - started
    summary = solution["summary"]
    return {
        "crews": crews,
        "visits": visits,
        "budget": budget,
        "wall": wall,
        "cpu": time.process_time() - cpu,
        "clock": "cpu" if cpu_clock else "wall",
        "planner": planner_wall[0],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "scheduled": summary["scheduled"],
        "weight": summary["weight_scheduled"],
        "travel": summary["travel_seconds"],
        "phases": phases,
    }


def in_child(crews: int, visits: int, budget: float, clock: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", f"{crews}x{visits}", "--budgets", str(budget)]
    command += ["--clock", clock]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"crews": crews, "visits": visits, "budget": budget, "error": done.stderr[-300:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def show(row: dict[str, Any], reference: dict[str, Any] | None) -> str:
    head = f"{row['crews']:>3} {row['visits']:>5} {row['budget']:>5.0f}"
    if "error" in row:
        return f"{head}  FAILED {row['error']}"
    over = row["cpu" if row["clock"] == "cpu" else "wall"] - row["budget"]
    phases = " ".join(f"{row['phases'].get(p, 0.0):5.2f}" for p in PHASES)
    gap = ""
    if reference is not None and reference.get("weight"):
        short = 100 * (1 - row["weight"] / reference["weight"])
        gap = f" ref {reference['weight']:>6} gap {short:5.2f}%"
    flag = "ok" if over <= 0.5 else "OVER"
    return (
        f"{head} {row['wall']:6.2f} {row['planner']:6.2f} {row['cpu']:6.2f} {over:+5.2f} {flag:4s} "
        f"{row['peak_mb']:6.0f} {row['scheduled']:5d} {row['weight']:6d} {row['travel']:7d}  "
        f"{phases}{gap}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=ROWS, help="crews x visits, comma separated")
    parser.add_argument("--budgets", default="2,10")
    parser.add_argument("--reference", type=float, default=None, help="seconds of a long run")
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="what the deadline runs on"
    )
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    budgets = [float(b) for b in args.budgets.split(",")]
    if args.one is not None:
        crews, visits = (int(x) for x in args.one.split("x"))
        print(json.dumps(run_one(crews, visits, budgets[0], args.clock == "cpu")))
        return 0
    print(
        "crews visits budget  wall planner  cpu  over      peak_MB sched weight  travel  "
        + " ".join(p[:5].rjust(5) for p in PHASES)
    )
    failures = 0
    for spec in args.rows.split(","):
        crews, visits = (int(x) for x in spec.split("x"))
        reference = None
        if args.reference is not None:
            reference = in_child(crews, visits, args.reference, args.clock)
            print(show(reference, None), "(reference)", flush=True)
        for budget in budgets:
            row = in_child(crews, visits, budget, args.clock)
            spent = row.get("cpu" if args.clock == "cpu" else "wall", math.inf)
            failures += "error" in row or spent - budget > 0.5
            print(show(row, reference), flush=True)
    print(f"summary: {failures} row(s) failed or over budget + 0.5 s ({args.clock} clock)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
