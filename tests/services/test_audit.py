"""Audit entries are appended in one line, inside the caller's transaction, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.domain.audit_chain import ChainFields, find_break
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import ConflictError, NotFoundError
from fieldvisit.services.audit import AuditLog, create_key, load_key
from fieldvisit.storage.database import Database
from fieldvisit.storage.models import AuditEntry

KEY = b"s" * 32


def _fields(entry: AuditEntry) -> tuple[ChainFields, str]:
    return (
        ChainFields(
            entry.seq,
            entry.at.isoformat(),
            entry.actor_id,
            entry.action,
            entry.entity_type,
            entry.entity_id,
            entry.before_digest,
            entry.after_digest,
            entry.prev_hash,
        ),
        entry.entry_hash,
    )


def test_entries_form_a_verifiable_chain(database: Database) -> None:
    audit = AuditLog(KEY, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)))
    for number in range(3):
        with database.session_factory.begin() as session:
            audit.record(
                session,
                actor_id=None,
                action="case.update",
                entity_type="case",
                entity_id=number,
                before={"state": "active"},
                after={"state": "closed"},
            )
    with database.session_factory() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert find_break(KEY, [_fields(e) for e in entries]) is None


def test_a_rolled_back_action_leaves_no_entry(database: Database) -> None:
    audit = AuditLog(KEY, FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)))
    with pytest.raises(RuntimeError), database.session_factory.begin() as session:
        audit.record(session, actor_id=None, action="x", entity_type="case")
        raise RuntimeError("the action failed")
    with database.session_factory() as session:
        assert session.scalars(select(AuditEntry)).all() == []


def test_key_file_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.key"
    with pytest.raises(NotFoundError):
        load_key(path)  # never created by reading
    assert not path.exists()
    first = create_key(path)
    assert load_key(path) == first
    with pytest.raises(ConflictError):
        create_key(path)
    assert load_key(path) == first
    assert len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
