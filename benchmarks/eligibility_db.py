"""Time eligibility for 10,000 cases against 1,000,000 contact rows in SQLite, queries included.

Usage: ``python benchmarks/eligibility_db.py [--cases N] [--contacts N] [--keep FILE]``. Builds a
fresh database (bulk inserts through SQLAlchemy Core ``executemany``; ``--keep`` writes it to FILE
and reuses FILE when it exists), then times ``EligibilityService.for_day`` for every case: one
cold run and the best of a few warm runs.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, column, insert, select, table, text

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

PLAN_DAY = date(2026, 12, 2)
STAMP = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 365
CHANNELS = ("call", "call", "call", "sms", "sms", "letter", "visit")
# Contacts go in through a lightweight table construct with pre-formatted timestamps (the SQLite
# storage format), so a million rows bind without per-row type processing.
CONTACTS = table(
    "contacts",
    column("debtor_id"),
    column("channel"),
    column("occurred_at"),
    column("contacted"),
    column("source"),
    column("created_at"),
)


def build(engine: Engine, cases: int, contacts: int, seed: int) -> list[int]:
    """Two teams (CN and UK), one crew, ``cases`` cases and ``contacts`` history rows."""
    rng = random.Random(seed)
    with engine.begin() as c:
        c.execute(insert(m.Creditor), [{"id": 1, "code": "BANK", "name": "Bench bank"}])
        teams = [
            {"id": 1, "code": "CN", "name": "CN", "rule_profile": "CN", "created_at": STAMP}
            | {"timezone": "Asia/Shanghai"},
            {"id": 2, "code": "UK", "name": "UK", "rule_profile": "UK", "created_at": STAMP}
            | {"timezone": "Europe/London"},
        ]
        c.execute(insert(m.Team), teams)
        users = [
            {"id": i, "username": f"u{i}", "display_name": f"u{i}", "role": "collector"}
            | {"team_id": 1, "created_at": STAMP, "active": True}
            for i in (1, 2)
        ]
        c.execute(insert(m.User), users)
        c.execute(insert(m.Crew), [{"id": 1, "team_id": 1, "name": "A", "active": True}])
        c.execute(
            insert(m.CrewMember), [{"crew_id": 1, "user_id": 1}, {"crew_id": 1, "user_id": 2}]
        )
        c.execute(insert(m.Debtor), [_debtor(i) for i in range(1, cases + 1)])
        c.execute(insert(m.Address), [_address(i, cases, rng) for i in range(1, cases + 1)])
        c.execute(insert(m.Case), [_case(i, cases, rng) for i in range(1, cases + 1)])
        c.execute(insert(m.Availability), _availability(cases, rng))
        c.execute(insert(m.AddressRiskNote), _risks(cases, rng))
        c.execute(insert(m.Consent), _consents(cases, rng))
        for chunk in _contacts(cases, contacts, rng):
            c.execute(insert(CONTACTS), chunk)
    return list(range(1, cases + 1))


def _debtor(i: int) -> dict[str, Any]:
    return {"id": i, "name": f"D{i}", "created_at": STAMP}


def _address(i: int, cases: int, rng: random.Random) -> dict[str, Any]:
    uk = i > cases * 0.9
    return {
        "id": i,
        "debtor_id": i,
        "kind": "work" if rng.random() < 0.03 else "home",
        "text": f"Street {i}",
        "lat": (51.5 if uk else 31.2) + rng.uniform(-0.1, 0.1),
        "lon": (-0.1 if uk else 121.4) + rng.uniform(-0.1, 0.1),
        "timezone": "Europe/London" if uk else "Asia/Shanghai",
        "jurisdiction": None,
        "geocode_quality": "exact",
        "is_primary": True,
    }


def _case(i: int, cases: int, rng: random.Random) -> dict[str, Any]:
    state = rng.choice(("disputed", "closed", "complaint_pending")) if i % 9 == 0 else "active"
    return {
        "id": i,
        "creditor_id": 1,
        "case_number": f"B{i:06d}",
        "debtor_id": i,
        "product": "credit_card",
        "currency": "CNY",
        "amount_overdue": Decimal("1000.00"),
        "days_past_due": 90,
        "state": state,
        "flags": ["vulnerable"] if rng.random() < 0.02 else [],
        "priority": 0,
        "legal_hold": False,
        "team_id": 2 if i > cases * 0.9 else 1,
        "crew_id": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def _availability(cases: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i in rng.sample(range(1, cases + 1), cases // 10):
        kind, start, end = rng.choice((("window", 18, 21), ("blackout", 12, 14)))
        rows.append(
            {
                "debtor_id": i,
                "kind": kind,
                "weekday": rng.choice((None, PLAN_DAY.weekday())),
                "start_time": datetime(2000, 1, 1, start).time(),
                "end_time": datetime(2000, 1, 1, end).time(),
                "source": "debtor",
                "created_at": STAMP,
            }
        )
    return rows


def _risks(cases: int, rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "address_id": i,
            "category": "dog",
            "note": "dog",
            "risk_tier": "medium",
            "daylight_only": True,
            "two_person": rng.random() < 0.5,
            "checklist": [],
            "created_at": STAMP,
        }
        for i in rng.sample(range(1, cases + 1), cases // 20)
    ]


def _consents(cases: int, rng: random.Random) -> list[dict[str, Any]]:
    uk = range(int(cases * 0.9) + 1, cases + 1)
    return [
        {"debtor_id": i, "kind": "notice_given", "given_on": date(2026, 10, 1), "created_at": STAMP}
        for i in rng.sample(list(uk), len(uk) // 2)
    ]


def _contacts(cases: int, contacts: int, rng: random.Random) -> list[list[dict[str, Any]]]:
    end = datetime.combine(PLAN_DAY, datetime.min.time(), UTC)
    created = STAMP.strftime("%Y-%m-%d %H:%M:%S.%f")
    chunks, chunk = [], []
    for n in range(contacts):
        at = end - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
        chunk.append(
            {
                "debtor_id": n % cases + 1,
                "channel": rng.choice(CHANNELS),
                "occurred_at": at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "contacted": rng.random() < 0.3,
                "source": "bench",
                "created_at": created,
            }
        )
        if len(chunk) == 100_000:
            chunks.append(chunk)
            chunk = []
    return [*chunks, chunk] if chunk else chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "bench.db"
        database = Database.open(f"sqlite:///{path}")
        if path.exists() and path.stat().st_size > 0 and args.keep:
            ids = list(range(1, args.cases + 1))
            print(f"reusing {path}")
        else:
            migrate.upgrade(database.engine)
            began = time.perf_counter()
            ids = build(database.engine, args.cases, args.contacts, args.seed)
            took = time.perf_counter() - began
            print(f"built {len(ids):,} cases / {args.contacts:,} contacts in {took:.1f} s")
        _explain(database.engine)
        _time(database, ids, args.runs)
        database.dispose()


def _explain(engine: Engine) -> None:
    query = (
        "SELECT debtor_id, occurred_at, channel FROM contacts"
        " WHERE debtor_id IN (1, 2) AND occurred_at >= '2026-11-01'"
    )
    with engine.connect() as c:
        plan = [row[-1] for row in c.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    print("history query plan: " + "; ".join(plan))


def _time(database: Database, ids: list[int], runs: int) -> None:
    service = EligibilityService(database.session_factory)
    actor = Actor(user_id=0, role=Role.COMPLIANCE)
    timings = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        day = service.for_day(actor, PLAN_DAY, 1, ids)
        timings.append(time.perf_counter() - began)
    with database.engine.connect() as c:
        total = c.scalar(select(text("count(*)")).select_from(text("contacts")))
    counts = Counter(r.status.value for r in day.cases)
    print(f"contacts in the database: {total:,}")
    print(f"cold run: {len(day.cases):,} cases decided in {timings[0]:.3f} s (queries included)")
    best = min(timings[1:]) if runs else timings[0]
    print(f"warm runs: best {best:.3f} s = {len(day.cases) / best:,.0f} cases/s over {runs} runs")
    profiles = [u.profile_id for u in day.rulesets]
    print(f"verdicts: {dict(sorted(counts.items()))}; rule sets: {profiles}")


if __name__ == "__main__":
    main()
