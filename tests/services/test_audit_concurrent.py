"""Two writers on PostgreSQL, each with its own connection, append at once: one linear chain."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fieldvisit.domain.audit_chain import find_break
from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.records.verify import chain_fields
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.storage.models import AuditEntry

KEY = b"k" * 32
PER_WRITER = 25


@pytest.mark.postgres
def test_concurrent_writers_keep_the_chain_linear(new_pg_database: Callable[[], str]) -> None:
    url = new_pg_database()
    setup = Database.open(url)
    migrate.upgrade(setup.engine)
    setup.dispose()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        db = Database.open(url)  # its own engine and connections
        audit = AuditLog(KEY, FixedClock(datetime(2026, 12, 1, tzinfo=UTC)))
        try:
            start.wait()
            for number in range(PER_WRITER):
                with db.session_factory.begin() as session:
                    audit.record(session, actor_id=None, action=f"{name}.write",
                                 entity_type="test", entity_id=number)  # fmt: skip
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    check = Database.open(url)
    with check.session_factory() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    check.dispose()
    assert [e.seq for e in entries] == list(range(1, 2 * PER_WRITER + 1))
    assert {e.action for e in entries} == {"a.write", "b.write"}
    assert find_break(KEY, [(chain_fields(e), e.entry_hash) for e in entries]) is None
