"""Anchors of the audit chain outside the database: the head (seq + hash) in an append-only file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.audit_chain import GENESIS_HASH
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.records import AnchorLine
from fieldvisit.storage.models import AuditEntry

ANCHOR_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class Anchor:
    seq: int
    entry_hash: str
    at: datetime
    reason: str  # backup | daily | manual


def chain_head(session: Session) -> AnchorLine:
    """The newest entry's sequence number and hash (0 and the genesis hash for an empty log)."""
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return AnchorLine(row[0], row[1]) if row else AnchorLine(0, GENESIS_HASH)


class AnchorStore:
    """One JSON line per anchor; lines are only ever appended, and synced to disk at once."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, head: AnchorLine, at: datetime, reason: str) -> Anchor:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"seq": head.seq, "hash": head.entry_hash, "at": at.isoformat(), "reason": reason}
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return Anchor(head.seq, head.entry_hash, at, reason)

    def all(self) -> list[Anchor]:
        if not self.path.is_file():
            return []
        anchors = []
        for text in self.path.read_text(encoding="utf-8").splitlines():
            if not text.strip():
                continue
            data = json.loads(text)
            anchors.append(
                Anchor(
                    int(data["seq"]),
                    str(data["hash"]),
                    datetime.fromisoformat(data["at"]),
                    str(data.get("reason", "")),
                )
            )
        return anchors

    def latest(self) -> Anchor | None:
        """The anchor with the highest sequence number: the furthest the chain is known to reach."""
        anchors = self.all()
        return max(anchors, key=lambda a: (a.seq, a.at)) if anchors else None


def anchor_now(
    session_factory: sessionmaker[Session], store: AnchorStore, clock: Clock, reason: str
) -> Anchor:
    with session_factory() as session:
        head = chain_head(session)
    return store.append(head, clock(), reason)


def anchor_if_due(
    session_factory: sessionmaker[Session], store: AnchorStore, clock: Clock
) -> Anchor | None:
    """Write the daily anchor unless one was written within the last day; start-up calls this."""
    anchors = store.all()
    now = clock()
    if anchors and now - max(a.at for a in anchors) < ANCHOR_EVERY:
        return None
    return anchor_now(session_factory, store, clock, "daily")
