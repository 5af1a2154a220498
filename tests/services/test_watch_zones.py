"""The watcher judges promises on the team's own days: New York's, not Shanghai's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from fieldvisit.domain.enums import PromiseStatus
from fieldvisit.domain.outcomes import OutcomeCode
from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0, build_world, outcome


def _status(db: Database) -> str:
    with db.session_factory() as s:
        return s.scalars(select(m.Promise.status)).one()


def test_a_new_york_promise_is_judged_once_new_yorks_day_is_over(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    world = build_world(db, zone="America/New_York")
    info = world.check_in()
    world.clock.now = T0 + timedelta(minutes=20)
    promise = outcome(OutcomeCode.PROMISE_TO_PAY, ptp_amount=Decimal("500"),
                      ptp_date=date(2026, 12, 5))  # fmt: skip
    FieldCheckout(world.deps).check_out(world.collector, CheckOut(info.visit_id or 0, promise))
    # 6 Dec 02:00 UTC: already the 6th in Shanghai (the follow-up day), still the 5th in New York.
    world.clock.now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    SafetyWatcher(world.deps).run_once()
    assert _status(db) == PromiseStatus.OPEN.value
    world.clock.now = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)  # 01:00 on the 6th in New York
    SafetyWatcher(world.deps).run_once()
    assert _status(db) == PromiseStatus.BROKEN.value
    db.dispose()
