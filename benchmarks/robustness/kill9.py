"""kill -9 at random moments during writes; prints, per operation, how many databases are clean.

Operations (20 runs each by default, kill moments drawn from a seeded generator):
  import    ``fieldvisit import cases`` of a generated 50,000-row CSV into the demo database
  plan      ``fieldvisit plan --team 1`` saving the team's rounds for the day after the demo
  checkout  check-in and check-out of one visit after another, through the field services, in a
            child process (there is no check-out command: the desktop and the server call these)
  demo      ``fieldvisit demo`` into an empty folder

After every kill: ``PRAGMA integrity_check`` is ok, ``fieldvisit audit verify`` exits 0, and the
operation is all or nothing (no half import, no round without its stops or a team plan with some
of its rounds, no visit record or started visit without its audit entry, no closed visit without
its record). A demo killed before it committed must leave no data and run again cleanly.
Not part of ``make test``.

    python benchmarks/robustness/kill9.py [--runs 20] [--seed 19] [--rows 50000] [--only plan]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the invariant checks live with the tests, shared by both

from tests import robustness_checks as checks  # noqa: E402

DEMO_TODAY = date(2026, 12, 1)
PLAN_DAY = "2026-12-02"
PLAN_TEAM = "1"
MANAGER = "mgr.sh-e"  # the demo's manager of team 1
COLLECTOR = "col.sh-e.11"  # a collector of crew 1
PREFIX = "KILL"
CSV_NAME = "cases.csv"


def checkout_child(url: str) -> None:
    """Check in and out of one visit after another until the cases run out (or we are killed)."""
    from sqlalchemy import select

    from fieldvisit.app.wiring import open_backend
    from fieldvisit.domain.clock import FixedClock
    from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet, VisitOutcome
    from fieldvisit.services.field.checkout import CheckOut
    from fieldvisit.services.field.safety_users import actor_by_username
    from fieldvisit.services.field.visits import CheckIn
    from fieldvisit.storage import models as m

    # 10:30 in Shanghai on the demo's day: a legal visiting hour, whatever the machine's clock.
    clock = FixedClock(datetime(2026, 12, 1, 2, 30, tzinfo=UTC))
    outcome = VisitOutcome(
        person_met=PersonMet.DEBTOR, outcome=OutcomeCode.REFUSED, next_action=NextAction.PHONE_CALL,
        next_action_date=date(2026, 12, 3), notes="kill -9 run",
    )  # fmt: skip
    with open_backend(url, clock=clock) as backend:
        services = backend.services
        actor = actor_by_username(services.safety, COLLECTOR)
        crew = min(actor.crew_ids)
        with services.safety.session_factory() as s:
            pairs = s.execute(
                select(m.Case.id, m.Address.id)
                .join(m.Address, m.Address.debtor_id == m.Case.debtor_id)
                .where(m.Case.crew_id == crew, m.Case.state == "active")
                .order_by(m.Case.id, m.Address.id)
            ).all()
        visits = services.field.client.visits
        for case_id, address_id in pairs:
            visit_id = visits.start_visit(actor, case_id, crew, address_id)
            visits.check_in(actor, CheckIn(visit_id))
            services.field.client.checkout.check_out(actor, CheckOut(visit_id, outcome))


@dataclass
class Operation:
    """One kind of write: the command to run in a fresh folder and what must hold afterwards."""

    name: str
    command: Callable[[Path], list[str]]
    check: Callable[[Path, dict[str, int]], list[str]]
    start: Callable[[Path, Path], None]  # fill a fresh run folder from the template folder
    tally: dict[str, int] = field(default_factory=dict)


def _url(folder: Path) -> str:
    return f"sqlite:///{folder / 'run.db'}"


def _copy_template(template: Path, folder: Path) -> None:
    shutil.copy(template / "run.db", folder / "run.db")
    shutil.copy(template / "run.db.audit-key", folder / "run.db.audit-key")


def _common(folder: Path) -> list[str]:
    problems = [f"integrity: {p}" for p in checks.integrity_problems(folder / "run.db")]
    code, text = checks.audit_verify(_url(folder))
    if code != 0:
        problems.append(f"audit verify exit {code}: {text.strip().splitlines()[-1:]}")
    return problems


def _check_import(folder: Path, baseline: dict[str, int]) -> list[str]:
    url = _url(folder)
    return _common(folder) + checks.import_problems(url, PREFIX, baseline["rows"], CSV_NAME)


def _check_plan(folder: Path, baseline: dict[str, int]) -> list[str]:
    from fieldvisit.storage import models as m

    url = _url(folder)
    problems = _common(folder)
    problems += [f"round {i} without stops" for i in checks.rounds_without_stops(url)]
    new = checks.count_rows(url, m.Round) - baseline["rounds"]
    if new not in (0, baseline["team_rounds"]):
        problems.append(f"team plan half saved: {new} of {baseline['team_rounds']} rounds")
    return problems


def _check_checkout(folder: Path, baseline: dict[str, int]) -> list[str]:
    url = _url(folder)
    problems = _common(folder)
    problems += [f"record {i} without audit" for i in checks.records_without_audit(url)]
    problems += [
        f"visit {i} without audit" for i in checks.visits_without_audit(url, baseline["visits"])
    ]
    problems += [
        f"closed visit {i} without record" for i in checks.closed_visits_without_record(url)
    ]
    return problems


def _check_demo(folder: Path, baseline: dict[str, int]) -> list[str]:
    from fieldvisit.storage import models as m

    path = folder / "run.db"
    if not path.exists() or not checks.has_tables(path):
        return _demo_again(folder)
    problems = [f"integrity: {p}" for p in checks.integrity_problems(path)]
    cases = checks.count_rows(_url(folder), m.Case)
    if cases == 0:
        # Killed before the demo committed: nothing may be there, and it must run again.
        if checks.count_rows(_url(folder), m.AuditEntry):
            problems.append("audit entries without the demo")
        return problems + _demo_again(folder)
    if cases != baseline["cases"]:
        problems.append(f"half-written demo: {cases} of {baseline['cases']} cases")
    return problems + _common(folder)


def _demo_again(folder: Path) -> list[str]:
    done = subprocess.run(_demo_command(folder), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return [f"demo does not run again after the kill: {done.stderr.strip()[-200:]}"]
    return _common(folder)


def _demo_command(folder: Path) -> list[str]:
    cli = [sys.executable, "-m", "fieldvisit"]
    return [*cli, "demo", "--db", _url(folder), "--today", DEMO_TODAY.isoformat(), "--lang", "en"]


def operations(source: Path) -> list[Operation]:
    cli = [sys.executable, "-m", "fieldvisit"]

    def import_command(folder: Path) -> list[str]:
        return [*cli, "import", "cases", str(source), "--creditor", "DEMO-BANK",
                "--db", _url(folder), "--lang", "en"]  # fmt: skip

    def plan_command(folder: Path) -> list[str]:
        return [*cli, "plan", "--team", PLAN_TEAM, "--date", PLAN_DAY, "--seconds", "0.5",
                "--user", MANAGER, "--db", _url(folder), "--lang", "en"]  # fmt: skip

    def checkout_command(folder: Path) -> list[str]:
        return [sys.executable, __file__, "--child-checkout", _url(folder)]

    def nothing(_template: Path, _folder: Path) -> None:
        return None

    return [
        Operation("import", import_command, _check_import, _copy_template),
        Operation("plan", plan_command, _check_plan, _copy_template),
        Operation("checkout", checkout_command, _check_checkout, _copy_template),
        Operation("demo", _demo_command, _check_demo, nothing),
    ]


def _baseline(template: Path, rows: int) -> dict[str, int]:
    from fieldvisit.storage import models as m

    url = _url(template)
    crews = checks.crews_of_team(url, int(PLAN_TEAM))
    return {
        "rows": rows,
        "rounds": checks.count_rows(url, m.Round),
        "team_rounds": crews,
        "visits": checks.last_id(url, m.Visit),
        "cases": checks.count_rows(url, m.Case),
    }


def _run(op: Operation, template: Path, folder: Path, delay: float | None) -> tuple[bool, float]:
    """Run once; kill after ``delay`` seconds (None: let it finish). (landed mid-run, seconds)."""
    folder.mkdir()
    op.start(template, folder)
    started = time.monotonic()
    child = subprocess.Popen(
        op.command(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    landed = False
    if delay is None:
        child.wait()
    else:
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            landed = True
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    return landed, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--only", action="append", help="run only this operation (repeatable)")
    parser.add_argument("--child-checkout", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_checkout:
        checkout_child(args.child_checkout)
        return 0
    from fieldvisit.demo.past import DEMO_PASSWORD

    os.environ["FIELDVISIT_PASSWORD"] = DEMO_PASSWORD
    os.environ.pop("FIELDVISIT_AUDIT_KEY_FILE", None)  # each database's key lies beside it
    rng = random.Random(args.seed)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fv-kill9-") as tmp:
        root = Path(tmp)
        template = root / "template"
        template.mkdir()
        subprocess.run(_demo_command(template), check=True, capture_output=True)
        source = root / CSV_NAME
        checks.write_cases_csv(source, args.rows, PREFIX)
        baseline = _baseline(template, args.rows)
        print(f"template: demo with {baseline['cases']} cases; import file {args.rows:,} rows")
        print(f"{'operation':10} {'runs':>5} {'landed':>7} {'clean':>6} {'full run':>9}")
        for op in operations(source):
            if args.only and op.name not in args.only:
                continue
            _, seconds = _run(op, template, root / f"{op.name}-full", None)
            full = op.check(root / f"{op.name}-full", baseline)
            landed = clean = 0
            for number in range(args.runs):
                folder = root / f"{op.name}-{number}"
                was_mid, _ = _run(op, template, folder, rng.uniform(0.05, 0.9) * seconds)
                problems = op.check(folder, baseline)
                landed += was_mid
                clean += not problems
                for problem in problems:
                    print(f"    {op.name} run {number}: {problem}")
                shutil.rmtree(folder)
            failed += (args.runs - clean) + bool(full)
            print(f"{op.name:10} {args.runs:>5} {landed:>7} {clean:>6} {seconds:>8.1f}s"
                  + ("" if not full else f"  full run NOT clean: {full}"))  # fmt: skip
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
