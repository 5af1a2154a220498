"""Checking stored audit rows exactly as the database hands them over, damage of any kind included.

``audit verify`` reads the raw column values (a tampered row may hold anything: text where a
number belongs, JSON that does not parse, a NULL), so every check here turns bad data into a named
finding and never raises. The entry hash covers the payload through its digests: a payload must
match them, or be absent (redacted by retention) for an entry older than a later retention run's
cutoff.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fieldvisit.domain.audit_chain import (
    ChainFields,
    content_digest,
    find_break,
    same_hash,
)

COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "before_digest",
    "after_digest",
    "payload",
    "prev_hash",
    "entry_hash",
)
RETENTION_ACTION = "retention.run"


@dataclass(frozen=True)
class Finding:
    """One piece of damage: ``kind`` names the message, ``seq`` the entry (as stored)."""

    kind: str
    seq: object
    column: str = ""


@dataclass(frozen=True)
class Entry:
    """A well-formed audit row: its hashed fields, stored hash and payload."""

    fields: ChainFields
    stored_hash: str
    payload: dict[str, Any] | None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    # As the column type hands it back: UTC, tz-aware (SQLite keeps no zone).
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _payload(value: object) -> tuple[bool, dict[str, Any] | None]:
    if value is None:
        return True, None
    if isinstance(value, bytes | bytearray):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return False, None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return False, None
    if value is None:
        return True, None
    if isinstance(value, dict) and set(value) == {"before", "after"}:
        return True, value
    return False, None


def parse_row(row: Mapping[str, object]) -> Entry | Finding:
    """The entry in ``row`` (raw column values), or the first column that cannot be one."""
    seq = row.get("seq")
    absent = [column for column in COLUMNS if column not in row]
    if absent:
        return Finding("entry_malformed", seq, absent[0])
    if not _is_int(seq):
        return Finding("entry_malformed", seq, "seq")
    assert isinstance(seq, int)
    at = _timestamp(row.get("at"))
    if at is None:
        return Finding("entry_malformed", seq, "at")
    actor = row.get("actor_id")
    if actor is not None and not _is_int(actor):
        return Finding("entry_malformed", seq, "actor_id")
    texts: dict[str, str | None] = {}
    for column in ("action", "entity_type", "prev_hash", "entry_hash"):
        value = row.get(column)
        if not isinstance(value, str):
            return Finding("entry_malformed", seq, column)
        texts[column] = value
    for column in ("entity_id", "before_digest", "after_digest"):
        value = row.get(column)
        if value is not None and not isinstance(value, str):
            return Finding("entry_malformed", seq, column)
        texts[column] = value
    ok, payload = _payload(row.get("payload"))
    if not ok:
        return Finding("entry_malformed", seq, "payload")
    fields = ChainFields(
        seq=seq,
        at=at.isoformat(),
        actor_id=actor if isinstance(actor, int) else None,
        action=str(texts["action"]),
        entity_type=str(texts["entity_type"]),
        entity_id=texts["entity_id"],
        before_digest=texts["before_digest"],
        after_digest=texts["after_digest"],
        prev_hash=str(texts["prev_hash"]),
    )
    return Entry(fields, str(texts["entry_hash"]), payload)


def _digest_or_none(value: Any) -> str | None:
    try:
        return content_digest(value)
    except (TypeError, ValueError, RecursionError):
        return "unhashable"


def payload_matches(entry: Entry) -> bool:
    """The payload's before and after are the content the signed digests stand for."""
    if entry.payload is None:
        return True
    return (
        _digest_or_none(entry.payload["before"]) == entry.fields.before_digest
        and _digest_or_none(entry.payload["after"]) == entry.fields.after_digest
    )


def _retention_cutoffs(entries: Sequence[Entry]) -> list[tuple[int, datetime]]:
    """(seq, cutoff) of every retention run whose own payload is intact."""
    found = []
    for entry in entries:
        if entry.fields.action != RETENTION_ACTION or entry.payload is None:
            continue
        after = entry.payload.get("after")
        cutoff = _timestamp(after.get("cutoff")) if isinstance(after, dict) else None
        if cutoff is not None and payload_matches(entry):
            found.append((entry.fields.seq, cutoff))
    return found


def _redaction_allowed(entry: Entry, cutoffs: list[tuple[int, datetime]]) -> bool:
    at = _timestamp(entry.fields.at)
    return at is not None and any(seq > entry.fields.seq and at < cutoff for seq, cutoff in cutoffs)


def check_rows(
    key: bytes, rows: Sequence[Mapping[str, object]], anchor: tuple[int, str] | None = None
) -> list[Finding]:
    """Every finding about the stored rows: malformed or duplicated rows, the first break in the
    chain, payloads that do not match their digests or vanished without retention, and entries
    removed since ``anchor`` (seq, entry hash written outside the database)."""
    findings: list[Finding] = []
    entries: dict[int, Entry] = {}
    broken: set[int] = set()
    for row in rows:
        parsed = parse_row(row)
        if isinstance(parsed, Finding):
            findings.append(parsed)
            if _is_int(parsed.seq):
                broken.add(int(str(parsed.seq)))
            continue
        if parsed.fields.seq in entries:
            findings.append(Finding("entry_duplicate", parsed.fields.seq))
            continue
        entries[parsed.fields.seq] = parsed
    ordered = [entries[seq] for seq in sorted(entries)]
    chain_break = find_break(key, [(e.fields, e.stored_hash) for e in ordered])
    if chain_break is not None and chain_break.seq not in broken:
        findings.append(Finding(f"entry_{chain_break.problem}", chain_break.seq))
    cutoffs = _retention_cutoffs(ordered)
    for entry in ordered:
        if entry.payload is None:
            if (entry.fields.before_digest or entry.fields.after_digest) and not _redaction_allowed(
                entry, cutoffs
            ):
                findings.append(Finding("entry_payload_removed", entry.fields.seq))
        elif not payload_matches(entry):
            findings.append(Finding("entry_payload_changed", entry.fields.seq))
    findings += _anchor_findings(ordered, anchor, broken)
    return findings


def _anchor_findings(
    ordered: Sequence[Entry], anchor: tuple[int, str] | None, broken: set[int]
) -> list[Finding]:
    if anchor is None or anchor[0] == 0:
        return []
    anchor_seq, anchor_hash = anchor
    by_seq = {e.fields.seq: e for e in ordered}
    head = max([*by_seq, *broken], default=0)
    if anchor_seq > head:
        return [Finding("entry_removed_since_anchor", head + 1, str(anchor_seq))]
    entry = by_seq.get(anchor_seq)
    if entry is None:
        return [] if anchor_seq in broken else [Finding("anchor_mismatch", anchor_seq)]
    if not same_hash(entry.stored_hash, anchor_hash):
        return [Finding("anchor_mismatch", anchor_seq)]
    return []
