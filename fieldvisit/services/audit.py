"""Appending to the audit log: one serialised, HMAC-linked entry per audited action."""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldvisit.domain.audit_chain import GENESIS_HASH, ChainFields, content_digest, entry_hash
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import ConflictError, NotFoundError
from fieldvisit.storage.models import AuditEntry

# Any constant works; it only has to be the same on every machine sharing the database.
_PG_CHAIN_LOCK = 0x46_56_41_55_44_49_54  # "FVAUDIT"


# The demo's key is public on purpose (documented in the README): demo data is fictitious, and a
# fixed key keeps the demo reproducible. Real databases get theirs from ``audit init-key``.
DEMO_AUDIT_KEY = hashlib.sha256(b"FieldVisit demo audit key").digest()
KEY_SUFFIX = ".audit-key"


def sibling_key_path(database_file: Path) -> Path:
    """Where a SQLite database's key file lives by default: beside it, ``demo.db.audit-key``."""
    return database_file.with_name(database_file.name + KEY_SUFFIX)


def write_key_file(path: Path, key: bytes) -> None:
    """Write ``key`` readable by the owner only, replacing an older file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())


class AuditKeyError(NotFoundError):
    """The audit key file is missing or unreadable: nothing may be written or verified."""


def load_key(path: Path) -> bytes:
    """The chain key from its file; never created here (``fieldvisit audit init-key`` does that),
    because a fresh key beside a copied chain would accuse every old entry of tampering and
    sign new entries with a second key for good."""
    if not path.is_file():
        raise AuditKeyError("error.audit.key_missing", path=str(path))
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise AuditKeyError("error.audit.key_unreadable", path=str(path), detail=str(exc)) from exc
    if len(key) < 16:
        raise AuditKeyError("error.audit.key_unreadable", path=str(path), detail="too short")
    return key


def create_key(path: Path) -> bytes:
    """A new random key in a new file readable by the owner only; an existing file is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConflictError("error.audit.key_exists", path=str(path)) from exc
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key


def key_fingerprint(key: bytes) -> str:
    """A short public name for a key (safe to log and print): its hash, not the key."""
    return hashlib.sha256(b"fieldvisit-key-id" + key).hexdigest()[:16]


@dataclass(frozen=True)
class AuditEvent:
    """One audited action, before it has a place in the chain."""

    at: datetime
    actor_id: int | None
    action: str
    entity_type: str
    entity_id: object = None
    before: Any = None
    after: Any = None


class AuditLog:
    """Writes audit entries inside the caller's transaction, so an action and its entry commit
    together or not at all."""

    def __init__(self, key: bytes | Callable[[], bytes], clock: Clock) -> None:
        # A callable key is read on the first append: commands that only read never touch it.
        self._key_source = key
        self._clock = clock

    @functools.cached_property
    def _key(self) -> bytes:
        source = self._key_source
        return source if isinstance(source, bytes) else source()

    def now(self) -> datetime:
        return self._clock()

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
        event = AuditEvent(self._clock(), actor_id, action, entity_type, entity_id, before, after)
        return self._append(session, event)

    def _append(self, session: Session, event: AuditEvent) -> AuditEntry:
        return self.record_many(session, [event])[0]

    def record_many(self, session: Session, events: Sequence[AuditEvent]) -> list[AuditEntry]:
        """Append ``events`` in order under one lock of the chain head, with one flush."""
        from fieldvisit.services import row_seals

        # The rows this transaction touched are sealed by this log when it commits.
        row_seals.listen()
        session.info.setdefault(row_seals.AUDIT_IN_SESSION, self)
        _lock_chain_head(session)
        head = session.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        entries = []
        for offset, event in enumerate(events):
            entry = self._entry(seq + offset, prev_hash, event)
            entries.append(entry)
            prev_hash = entry.entry_hash
        session.add_all(entries)
        session.flush()
        return entries

    def _entry(self, seq: int, prev_hash: str, event: AuditEvent) -> AuditEntry:
        # UTC, as the database hands it back: the hash must be recomputable from the stored row.
        at = event.at.astimezone(UTC)
        fields = ChainFields(
            seq=seq,
            at=at.isoformat(),
            actor_id=event.actor_id,
            action=event.action,
            entity_type=event.entity_type,
            entity_id=None if event.entity_id is None else str(event.entity_id),
            before_digest=content_digest(event.before),
            after_digest=content_digest(event.after),
            prev_hash=prev_hash,
        )
        return AuditEntry(
            seq=seq,
            at=at,
            actor_id=event.actor_id,
            action=event.action,
            entity_type=event.entity_type,
            entity_id=fields.entity_id,
            before_digest=fields.before_digest,
            after_digest=fields.after_digest,
            payload={"before": event.before, "after": event.after},
            prev_hash=prev_hash,
            entry_hash=entry_hash(self._key, fields),
        )


class DeferredAuditLog(AuditLog):
    """Collects events and appends them in one go (``commit_to``); for bulk writers such as the
    demo generator, which would otherwise flush once per entry."""

    def __init__(self, key: bytes, clock: Clock) -> None:
        super().__init__(key, clock)
        self.pending: list[AuditEvent] = []

    def _append(self, session: Session, event: AuditEvent) -> AuditEntry:
        self.pending.append(event)
        # Not in the chain yet: a placeholder the caller must not store.
        return self._entry(0, GENESIS_HASH, event)

    def commit_to(self, session: Session, *, chronological: bool = False) -> list[AuditEntry]:
        events = sorted(self.pending, key=lambda e: e.at) if chronological else self.pending
        self.pending = []
        return self.record_many(session, events)


def _lock_chain_head(session: Session) -> None:
    # PostgreSQL: one appender at a time across machines, released at commit. SQLite has a single
    # writer anyway, and the primary key on ``seq`` makes a fork impossible on both.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
