"""Races on PostgreSQL between real processes; prints the counts (issue #19).

  approve   two processes approve the same submitted round at once (goal: exactly one wins, the
            other is told in words, no traceback), over --races rounds
  import    two processes import at once, the same file and two different files (goal: each
            file all or nothing; a refusal is in words; no traceback)
  audit     four processes append audit entries through the real services (a safety lead adding
            risk notes), --per-writer each (goal: sequence numbers 1..n without gap or double,
            each entry's previous hash its predecessor's, ``audit verify`` passes)

Needs FIELDVISIT_TEST_PG_URL (``source /work/pg.env``); creates and drops its own database.
Not part of ``make test``.

    python benchmarks/robustness/concurrency.py [--races 20] [--per-writer 200]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the case file generator lives with the tests' checks

DEMO_TODAY = date(2026, 12, 1)
CREW = 1
ROWS = 200


def _services(url: str) -> Any:
    from fieldvisit.app.wiring import build_services
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
    from fieldvisit.storage.database import Database

    database = Database.open(url)
    return build_services(database, AuditLog(DEMO_AUDIT_KEY, system_clock), system_clock)


def _actor(services: Any, username: str) -> Any:
    from fieldvisit.services.field.safety_users import actor_by_username

    return actor_by_username(services.safety, username)


def _outcome(call: Any) -> tuple[str, str]:
    from fieldvisit.domain.errors import FieldVisitError
    from fieldvisit.i18n import render

    try:
        result = call()
    except FieldVisitError as exc:
        return "told", render(exc.message, "en")
    except Exception as exc:
        return "traceback", f"{type(exc).__name__}: {exc}"
    return "won", str(result)


def approve_worker(url: str, manager: str, rounds: list[int], barrier: Any, out: Any) -> None:
    services = _services(url)
    actor = _actor(services, manager)
    for round_id in rounds:
        barrier.wait()
        out.put(_outcome(lambda r=round_id: services.plan.rounds.approve(actor, r, "race")))


def import_worker(url: str, files: list[str], barrier: Any, out: Any) -> None:
    from fieldvisit.domain.import_fields import ImportKind
    from fieldvisit.services.importing.service import ImportRequest

    services = _services(url)
    for name in files:
        request = ImportRequest(ImportKind.CASES, Path(name).name, creditor_code="DEMO-BANK")
        barrier.wait()

        def run(path: str = name, req: ImportRequest = request) -> str:
            report = services.imports.run_file(Path(path), req)[0]
            return f"{report.counts.created} created"

        out.put(_outcome(run))


def audit_worker(url: str, lead: str, count: int, barrier: Any, out: Any) -> None:
    from fieldvisit.domain.enums import RiskCategory, RiskTier
    from fieldvisit.services.field.risk_register import NewRiskNote
    from fieldvisit.storage import models as m

    services = _services(url)
    actor = _actor(services, lead)
    with services.safety.session_factory() as s:
        addresses = list(s.scalars(select(m.Address.id).order_by(m.Address.id).limit(count)))
    barrier.wait()
    for number in range(count):
        note = NewRiskNote(
            addresses[number % len(addresses)], RiskCategory.DOG, f"race {number}", RiskTier.LOW
        )
        out.put(_outcome(lambda n=note: services.field.risks.add_note(actor, n).id))


def _race(target: Any, jobs: list[tuple[Any, ...]], expected: int) -> list[tuple[str, str]]:
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(len(jobs), timeout=300), context.Queue()
    workers = [context.Process(target=target, args=(*job, barrier, out)) for job in jobs]
    for worker in workers:
        worker.start()
    outcomes = [out.get(timeout=600) for _ in range(expected)]
    for worker in workers:
        worker.join(timeout=120)
    return outcomes


def _weekdays(count: int) -> list[date]:
    days, day = [], DEMO_TODAY
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _people(url: str) -> tuple[str, str, str]:
    """A planner of the demo crew, its team's manager outside the crew, and a safety lead."""
    from fieldvisit.storage import models as m

    services = _services(url)
    members = sorted(services.plan.rounds.crew_members(CREW))
    with services.safety.session_factory() as s:
        crew = s.get_one(m.Crew, CREW)
        planner = s.get_one(m.User, members[0]).username
        manager = s.scalars(
            select(m.User.username).where(
                m.User.role == "manager", m.User.team_id == crew.team_id, m.User.id.not_in(members)
            )
        ).first()
        lead = s.scalars(select(m.User.username).where(m.User.role == "safety_lead")).first()
    assert manager, "the demo team has a manager outside the crew"
    assert lead, "the demo has a safety lead"
    return planner, manager, lead


def approvals(url: str, races: int) -> bool:
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest
    from fieldvisit.storage import models as m

    services = _services(url)
    planner_name, manager, _ = _people(url)
    planner = _actor(services, planner_name)
    ids = []
    for day in _weekdays(races):
        plan = services.plan.planning.optimise(planner, DayRequest(CREW, day), Budget(0.2, seed=1))
        saved = services.plan.rounds.save_draft(planner, plan, None)
        services.plan.rounds.submit(planner, saved.round_id)
        ids.append(saved.round_id)
    outcomes = _race(approve_worker, [(url, manager, ids), (url, manager, ids)], 2 * races)
    pairs = [sorted(outcomes[i : i + 2]) for i in range(0, len(outcomes), 2)]
    one_winner = sum([k for k, _ in pair] == ["told", "won"] for pair in pairs)
    tracebacks = sum(kind == "traceback" for kind, _ in outcomes)
    with services.safety.session_factory() as s:
        decisions = s.scalar(
            select(func.count()).select_from(m.Approval).where(m.Approval.round_id.in_(ids))
        )
    print(
        f"approve: {races} races, exactly one winner {one_winner}, other told in words "
        f"{one_winner}, tracebacks {tracebacks}, approvals stored {decisions} (goal {races})"
    )
    told = next((text_ for pair in pairs for kind, text_ in pair if kind == "told"), "")
    print(f"    the loser reads: {told[:160]}")
    return one_winner == races and tracebacks == 0 and decisions == races


def imports(url: str, races: int, folder: Path) -> bool:
    from tests.robustness_checks import write_cases_csv

    same, different = [], []
    for race in range(races):
        path = folder / f"same{race}.csv"
        write_cases_csv(path, ROWS, prefix=f"S{race:02d}X")
        same.append(str(path))
        pair = []
        for side in "AB":
            path = folder / f"diff{race}{side}.csv"
            write_cases_csv(path, ROWS, prefix=f"D{race:02d}{side}")
            pair.append(str(path))
        different.append(pair)
    ok = True
    for label, jobs in (
        ("same file", [(url, same), (url, same)]),
        ("two files", [(url, [a for a, _ in different]), (url, [b for _, b in different])]),
    ):
        outcomes = _race(import_worker, jobs, 2 * races)
        counts = Counter(kind for kind, _ in outcomes)
        partial = _partial_imports(url, label, races)
        print(
            f"import ({label}): {races} races, completed {counts['won']}, refused in words "
            f"{counts['told']}, tracebacks {counts['traceback']}, half-written files {partial}"
        )
        ok = ok and counts["traceback"] == 0 and partial == 0
    return ok


def _partial_imports(url: str, label: str, races: int) -> int:
    """Files of which some but not all cases are in the database."""
    from fieldvisit.storage import models as m
    from fieldvisit.storage.database import Database

    prefixes = (
        [f"S{r:02d}X" for r in range(races)]
        if label == "same file"
        else [f"D{r:02d}{side}" for r in range(races) for side in "AB"]
    )
    database = Database.open(url)
    with database.session_factory() as s:
        counts = [
            s.scalar(
                select(func.count()).select_from(m.Case).where(m.Case.case_number.like(f"{p}%"))
            )
            for p in prefixes
        ]
    database.dispose()
    return sum(count not in (0, ROWS) for count in counts)


def audit_writers(url: str, per_writer: int, writers: int = 4) -> bool:
    from fieldvisit.domain.audit_chain import GENESIS_HASH
    from fieldvisit.services.audit import DEMO_AUDIT_KEY
    from fieldvisit.services.records.verify import verify_audit
    from fieldvisit.storage import models as m
    from fieldvisit.storage.database import Database

    _, _, lead = _people(url)
    database = Database.open(url)
    with database.session_factory() as s:
        first = int(s.scalar(select(func.max(m.AuditEntry.seq))) or 0)
    started = time.monotonic()
    outcomes = _race(audit_worker, [(url, lead, per_writer)] * writers, writers * per_writer)
    seconds = time.monotonic() - started
    counts = Counter(kind for kind, _ in outcomes)
    with database.session_factory() as s:
        chain = s.execute(
            select(m.AuditEntry.seq, m.AuditEntry.prev_hash, m.AuditEntry.entry_hash).order_by(
                m.AuditEntry.seq
            )
        ).all()
    seqs = [row[0] for row in chain]
    gaps = len(set(range(1, seqs[-1] + 1)) - set(seqs))
    doubles = len(seqs) - len(set(seqs))
    links = sum(row[1] != (chain[i - 1][2] if i else GENESIS_HASH) for i, row in enumerate(chain))
    report = verify_audit(database.session_factory, DEMO_AUDIT_KEY, None)
    database.dispose()
    verdict = "passes" if report.ok else "FAILS"
    print(
        f"audit: {writers} writers x {per_writer} in {seconds:.0f} s: actions done "
        f"{counts['won']}, refused {counts['told']}, tracebacks {counts['traceback']}; entries "
        f"{first + 1}..{seqs[-1]}, missing seq {gaps}, duplicate seq {doubles}, broken links "
        f"{links}; audit verify {verdict}"
    )
    for problem in report.problems[:5]:
        print(f"    {problem}")
    return counts["won"] == writers * per_writer and not (gaps or doubles or links) and report.ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--races", type=int, default=20)
    parser.add_argument("--per-writer", type=int, default=200)
    args = parser.parse_args(argv)
    admin_url = os.environ.get("FIELDVISIT_TEST_PG_URL")
    if not admin_url:
        print("FIELDVISIT_TEST_PG_URL is not set (source /work/pg.env)")
        return 2
    from fieldvisit.demo.build import create_demo
    from fieldvisit.storage import migrate
    from fieldvisit.storage.database import Database

    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"fv_concurrency_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        database = Database.open(url)
        migrate.upgrade(database.engine)
        create_demo(database.session_factory, seed=0, today=DEMO_TODAY)
        database.dispose()
        with tempfile.TemporaryDirectory(prefix="fv-conc-") as folder:
            results = [
                approvals(url, args.races),
                imports(url, max(10, args.races // 2), Path(folder)),
                audit_writers(url, args.per_writer),
            ]
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
