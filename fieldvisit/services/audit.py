"""Appending to the audit log: one serialised, HMAC-linked entry per audited action."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldvisit.domain.audit_chain import GENESIS_HASH, ChainFields, content_digest, entry_hash
from fieldvisit.domain.clock import Clock
from fieldvisit.storage.models import AuditEntry

# Any constant works; it only has to be the same on every machine sharing the database.
_PG_CHAIN_LOCK = 0x46_56_41_55_44_49_54  # "FVAUDIT"


def load_or_create_key(path: Path) -> bytes:
    """The chain key from its file, created (readable by the owner only) on first start."""
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key


class AuditLog:
    """Writes audit entries inside the caller's transaction, so an action and its entry commit
    together or not at all."""

    def __init__(self, key: bytes, clock: Clock) -> None:
        self._key = key
        self._clock = clock

    def record(
        self,
        session: Session,
        *,
        actor_id: int | None,
        action: str,
        entity_type: str,
        entity_id: object = None,
        before: Any = None,
        after: Any = None,
    ) -> AuditEntry:
        _lock_chain_head(session)
        head = session.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        at = self._clock()
        fields = ChainFields(
            seq=seq,
            at=at.isoformat(),
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            before_digest=content_digest(before),
            after_digest=content_digest(after),
            prev_hash=prev_hash,
        )
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=fields.entity_id,
            before_digest=fields.before_digest,
            after_digest=fields.after_digest,
            payload={"before": before, "after": after},
            prev_hash=prev_hash,
            entry_hash=entry_hash(self._key, fields),
        )
        session.add(entry)
        session.flush()
        return entry


def _lock_chain_head(session: Session) -> None:
    # PostgreSQL: one appender at a time across machines, released at commit. SQLite has a single
    # writer anyway, and the primary key on ``seq`` makes a fork impossible on both.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
