"""Time the pure compliance engine: 10,000 candidate visits against 1,000,000 history rows."""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fieldvisit.domain.compliance import (
    Candidate,
    Contact,
    Policy,
    RuleSet,
    WallInterval,
    build_ruleset,
    evaluate,
    evaluate_all,
    history_horizon,
    load_profile,
)
from fieldvisit.domain.compliance.history import digest_rows
from fieldvisit.domain.enums import CaseState, Channel, Place

PLAN_DAY = date(2026, 12, 1)
ZONE = "Asia/Shanghai"


def make_candidates(visits: int, rows: int, seed: int) -> list[Candidate]:
    """Candidates for one plan date with ``rows`` contacts spread over the last 180 days."""
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    start = datetime.combine(PLAN_DAY - timedelta(days=180), datetime.min.time(), zone)
    channels = list(Channel)
    states = [CaseState.ACTIVE] * 20 + list(CaseState)
    per_visit = rows // visits
    out = []
    for i in range(visits):
        history = tuple(
            Contact(
                (start + timedelta(seconds=rng.randrange(181 * 86400))).astimezone(UTC),
                rng.choice(channels),
                rng.random() < 0.4,
            )
            for _ in range(per_visit)
        )
        out.append(
            Candidate(
                debtor_id=f"D{i}",
                timezone=ZONE,
                plan_date=PLAN_DAY,
                case_state=rng.choice(states),
                flags=frozenset({"daylight_only"}) if i % 5 == 0 else frozenset(),
                place=Place.WORK if i % 17 == 0 else Place.HOME,
                lat=31.0 + rng.random(),
                lon=121.0 + rng.random(),
                service_minutes=rng.choice([20, 30, 45]),
                windows=(WallInterval.parse("09:00", "12:00"),) if i % 3 == 0 else (),
                blackouts=(WallInterval.parse("12:00", "14:00"),) if i % 4 == 0 else (),
                history=history,
                crew_size=2,
            )
        )
    return out


def rows_path(candidates: list[Candidate], ruleset: RuleSet) -> float:
    """Seconds to evaluate from ``(epoch, channel, contacted)`` rows, as the DB service would."""
    rows = [
        [(c.at.timestamp(), c.channel.value, c.contacted) for c in x.history] for x in candidates
    ]
    bare = [replace(x, history=()) for x in candidates]
    horizon = history_horizon(ruleset)
    began = time.perf_counter()
    for cand, its_rows in zip(bare, rows, strict=True):
        evaluate(cand, ruleset, digest_rows(its_rows, cand.timezone, cand.plan_date, horizon))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    built = time.perf_counter()
    candidates = make_candidates(args.visits, args.rows, args.seed)
    window = {"contact_window": {"start": "09:00", "end": "20:00"}}
    ruleset = build_ruleset(load_profile("CN"), Policy.from_mapping(window))
    began = time.perf_counter()
    verdicts = evaluate_all(candidates, ruleset)
    took = time.perf_counter() - began
    blocked = sum(v.blocked for v in verdicts)
    n = len(verdicts)
    print(f"built {n} candidates / {args.rows} history rows in {began - built:.2f} s")
    print(f"Contact objects (UTC): {n} visits in {took:.3f} s: {n / took:,.0f} visits/s")
    rows_took = rows_path(candidates, ruleset)
    print(
        f"epoch rows (digest_rows): {n} visits in {rows_took:.3f} s: {n / rows_took:,.0f} visits/s"
    )
    print(f"{blocked} blocked, {n - blocked} eligible; rule set {ruleset.hash[:19]}")


if __name__ == "__main__":
    main()
