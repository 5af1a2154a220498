"""``insert_ignore``: the one-winner primitive behind alarm steps and delivery claims."""

from __future__ import annotations

from fieldvisit.services.field.store import insert_ignore
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0


def test_a_skipped_insert_reports_false_on_each_backend(database: Database) -> None:
    row = {"watcher_id": "w1", "host": "h", "beat_at": T0, "started_at": T0}
    with database.session_factory.begin() as s:
        assert insert_ignore(s, m.WatcherHeartbeat, row)
    with database.session_factory.begin() as s:
        assert not insert_ignore(s, m.WatcherHeartbeat, row)
