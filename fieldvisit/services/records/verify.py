"""``audit verify``: walk the chain, compare the head with the latest anchor, check records."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.audit_chain import ChainFields, content_digest, find_break
from fieldvisit.domain.messages import Message
from fieldvisit.domain.records import parse_verification_code, record_audit_after, record_hash
from fieldvisit.services.records.anchor import Anchor, AnchorStore
from fieldvisit.storage.models import AuditEntry, VisitRecord

RECORD_ENTITY = "visit_record"


@dataclass(frozen=True)
class AuditReport:
    """The verdict: ``problems`` is empty when chain, anchor and records all agree."""

    entries: int
    head_seq: int
    head_hash: str
    anchor: Anchor | None
    records: int
    problems: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def chain_fields(entry: AuditEntry) -> ChainFields:
    return ChainFields(
        seq=entry.seq,
        at=entry.at.isoformat(),
        actor_id=entry.actor_id,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        before_digest=entry.before_digest,
        after_digest=entry.after_digest,
        prev_hash=entry.prev_hash,
    )


def record_values(row: VisitRecord) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in VisitRecord.__table__.columns}


def verify_audit(
    session_factory: sessionmaker[Session], key: bytes, anchors: AnchorStore | None
) -> AuditReport:
    with session_factory() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        records = list(session.scalars(select(VisitRecord).order_by(VisitRecord.id)))
        problems = _chain_problems(key, entries)
        anchor = anchors.latest() if anchors is not None else None
        if anchor is not None:
            problems += _anchor_problems(anchor, entries)
        problems += _record_problems(entries, records)
    head = entries[-1] if entries else None
    return AuditReport(
        entries=len(entries),
        head_seq=head.seq if head else 0,
        head_hash=head.entry_hash if head else "",
        anchor=anchor,
        records=len(records),
        problems=tuple(problems),
    )


def _chain_problems(key: bytes, entries: list[AuditEntry]) -> list[Message]:
    found = find_break(key, [(chain_fields(e), e.entry_hash) for e in entries])
    if found is None:
        return []
    return [Message(f"records.verify.entry_{found.problem}", {"seq": found.seq})]


def _anchor_problems(anchor: Anchor, entries: list[AuditEntry]) -> list[Message]:
    by_seq = {e.seq: e for e in entries}
    head_seq = entries[-1].seq if entries else 0
    if anchor.seq > head_seq:
        # The newest entries are gone: the first missing one is right after the current head.
        return [
            Message(
                "records.verify.entry_removed_since_anchor",
                {"seq": head_seq + 1, "anchor": anchor.seq},
            )
        ]
    if anchor.seq == 0:
        return []
    entry = by_seq.get(anchor.seq)
    if entry is None or not hmac.compare_digest(entry.entry_hash, anchor.entry_hash):
        return [Message("records.verify.anchor_mismatch", {"seq": anchor.seq})]
    return []


def _record_entries(entries: list[AuditEntry]) -> dict[str, tuple[int, str | None]]:
    """Record id → (seq, after digest) of the first audit entry that stored it."""
    found: dict[str, tuple[int, str | None]] = {}
    for entry in entries:
        if entry.entity_type == RECORD_ENTITY and entry.entity_id is not None:
            found.setdefault(entry.entity_id, (entry.seq, entry.after_digest))
    return found


def record_intact(row: VisitRecord, logged_digest: str | None) -> bool:
    """The stored content matches its hash, and the hash is the one the audit chain holds.

    An anonymised record's content is gone by design; its hash must still match the chain.
    """
    expected = content_digest(record_audit_after(row.visit_id, row.content_hash))
    if logged_digest != expected:
        return False
    return row.anonymised_at is not None or record_hash(record_values(row)) == row.content_hash


def _record_problems(entries: list[AuditEntry], records: list[VisitRecord]) -> list[Message]:
    logged = _record_entries(entries)
    problems: list[Message] = []
    present = set()
    for row in records:
        present.add(str(row.id))
        entry = logged.get(str(row.id))
        if entry is None:
            problems.append(Message("records.verify.record_inserted", {"record": row.id}))
        elif not record_intact(row, entry[1]):
            problems.append(
                Message("records.verify.record_changed", {"record": row.id, "seq": entry[0]})
            )
    for entity_id, (seq, _digest) in sorted(logged.items(), key=lambda item: item[1][0]):
        if entity_id not in present:
            problems.append(
                Message("records.verify.record_removed", {"record": entity_id, "seq": seq})
            )
    return problems


@dataclass(frozen=True)
class CodeCheck:
    """What a printed verification code (or scanned QR text) says about the stored record."""

    code: str
    matches: bool
    message: Message


def verify_code(session_factory: sessionmaker[Session], code: str) -> CodeCheck:
    parsed = parse_verification_code(code)
    if parsed is None:
        return CodeCheck(code, False, Message("records.code.malformed", {"code": code}))
    record_id, prefix = parsed
    with session_factory() as session:
        row = session.get(VisitRecord, record_id)
        if row is None:
            return CodeCheck(code, False, Message("records.code.unknown", {"record": record_id}))
        logged = session.scalar(
            select(AuditEntry.after_digest)
            .where(
                AuditEntry.entity_type == RECORD_ENTITY,
                AuditEntry.entity_id == str(record_id),
            )
            .order_by(AuditEntry.seq)
            .limit(1)
        )
        intact = record_intact(row, logged)
    if row.content_hash.startswith(prefix) and intact:
        return CodeCheck(code, True, Message("records.code.match", {"record": record_id}))
    reason = "records.code.tampered" if not intact else "records.code.mismatch"
    return CodeCheck(code, False, Message(reason, {"record": record_id}))
