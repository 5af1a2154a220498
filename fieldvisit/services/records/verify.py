"""``audit verify``: walk the chain, compare the head with the latest anchor, check records."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, inspect, select, type_coerce
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.audit_chain import ChainFields, content_digest
from fieldvisit.domain.audit_check import COLUMNS, Finding, check_rows
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
    """Check chain, anchor, records and row digests; damage of any kind is a finding."""
    from fieldvisit.services.records.row_digests import row_problems

    anchor = anchors.latest() if anchors is not None else None
    with session_factory() as session:
        rows, problems = raw_audit_rows(session)
        findings = check_rows(key, rows, (anchor.seq, anchor.entry_hash) if anchor else None)
        problems += [_message(f) for f in findings]
        entries = _readable_entries(rows, findings)
        try:
            records = list(session.scalars(select(VisitRecord).order_by(VisitRecord.id)))
        except (SQLAlchemyError, ValueError, TypeError) as error:
            records = []
            problems.append(
                Message(
                    "records.verify.table_unreadable",
                    {"table": "visit_records", "detail": str(error)[:200]},
                )
            )
        problems += _record_problems(entries, records)
        problems += row_problems(session, rows, findings)
    seqs = [e.seq for e in entries]
    head = max(entries, key=lambda e: e.seq) if entries else None
    return AuditReport(
        entries=len(rows),
        head_seq=max(seqs, default=0),
        head_hash=head.entry_hash if head else "",
        anchor=anchor,
        records=len(records),
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class LoggedEntry:
    """What the record and row checks need from a well-formed audit entry."""

    seq: int
    action: str
    entity_type: str
    entity_id: str | None
    after_digest: str | None
    entry_hash: str


def raw_audit_rows(session: Session) -> tuple[list[dict[str, object]], list[Message]]:
    """The audit rows as stored, each value untouched by column types (which would raise on
    damage); a missing table or column is a finding."""
    table = AuditEntry.metadata.tables[AuditEntry.__tablename__]
    try:
        present = {c["name"] for c in inspect(session.connection()).get_columns(table.name)}
    except SQLAlchemyError as error:
        return [], [
            Message(
                "records.verify.table_unreadable", {"table": table.name, "detail": str(error)[:200]}
            )
        ]
    if not present:
        return [], [
            Message("records.verify.table_unreadable", {"table": table.name, "detail": "missing"})
        ]
    missing = [c for c in COLUMNS if c not in present]
    problems = [Message("records.verify.column_missing", {"column": c}) for c in missing]
    columns = [type_coerce(table.c[c], String).label(c) for c in COLUMNS if c in present]
    try:
        result = session.execute(select(*columns))
        rows = [dict(row._mapping) for row in result]
    except (SQLAlchemyError, ValueError, TypeError) as error:
        problems.append(
            Message(
                "records.verify.table_unreadable", {"table": table.name, "detail": str(error)[:200]}
            )
        )
        return [], problems
    return rows, problems


def _readable_entries(rows: list[dict[str, object]], findings: list[Finding]) -> list[LoggedEntry]:
    bad = {f.seq for f in findings if f.kind in {"entry_malformed", "entry_duplicate"}}
    entries = []
    for row in rows:
        seq = row.get("seq")
        if not isinstance(seq, int) or seq in bad:
            continue
        entries.append(
            LoggedEntry(
                seq=seq,
                action=str(row.get("action")),
                entity_type=str(row.get("entity_type")),
                entity_id=_text(row.get("entity_id")),
                after_digest=_text(row.get("after_digest")),
                entry_hash=str(row.get("entry_hash")),
            )
        )
    entries.sort(key=lambda e: e.seq)
    return entries


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _message(finding: Finding) -> Message:
    if finding.kind == "entry_removed_since_anchor":
        return Message(
            f"records.verify.{finding.kind}", {"seq": finding.seq, "anchor": finding.column}
        )
    if finding.kind == "entry_malformed":
        return Message(
            "records.verify.entry_malformed", {"seq": finding.seq, "column": finding.column}
        )
    return Message(f"records.verify.{finding.kind}", {"seq": finding.seq})


def _record_entries(entries: list[LoggedEntry]) -> dict[str, tuple[int, str | None]]:
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


def _record_problems(entries: list[LoggedEntry], records: list[VisitRecord]) -> list[Message]:
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
