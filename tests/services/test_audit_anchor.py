"""Anchors outside the database: appended, at most one a day unless asked, head read back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.records.anchor import AnchorStore, anchor_if_due, anchor_now
from fieldvisit.storage.database import Database


def test_daily_anchors_follow_the_head(database: Database, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
    store = AnchorStore(tmp_path / "a" / "anchors.jsonl")
    first = anchor_if_due(database.session_factory, store, clock)
    assert first is not None
    assert first.seq == 0
    with database.session_factory.begin() as session:
        AuditLog(b"k" * 32, clock).record(session, actor_id=None, action="x", entity_type="t")
    clock.advance(hours=23)
    assert anchor_if_due(database.session_factory, store, clock) is None
    clock.advance(hours=2)
    second = anchor_if_due(database.session_factory, store, clock)
    assert second is not None
    assert second.seq == 1
    anchor_now(database.session_factory, store, clock, "backup")
    assert [a.reason for a in store.all()] == ["daily", "daily", "backup"]
    latest = store.latest()
    assert latest is not None
    assert latest.seq == 1
