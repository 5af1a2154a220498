"""The audit chain's arithmetic: content digests and the keyed hash linking each entry to the last.

Each entry's HMAC covers its own fields and the previous entry's hash, with a key kept outside the
database, so someone with database access alone can neither edit an entry nor re-hash a forged
chain. Content is hashed as a digest, so retention may redact a payload without breaking the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> bytes:
    """One byte string per value, whatever the key order or platform."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def content_digest(value: Any) -> str | None:
    """SHA-256 of the canonical form of ``value``; None for no content."""
    if value is None:
        return None
    return hashlib.sha256(canonical_json(value)).hexdigest()


@dataclass(frozen=True)
class ChainFields:
    """The fields of an audit entry that its hash covers."""

    seq: int
    at: str  # ISO 8601, UTC
    actor_id: int | None
    action: str
    entity_type: str
    entity_id: str | None
    before_digest: str | None
    after_digest: str | None
    prev_hash: str


def entry_hash(key: bytes, fields: ChainFields) -> str:
    return hmac.new(key, canonical_json(asdict(fields)), hashlib.sha256).hexdigest()


def same_hash(left: str, right: str) -> bool:
    """Constant-time equality that also takes the non-ASCII text a damaged row may hold."""
    return hmac.compare_digest(left.encode("utf-8", "replace"), right.encode("utf-8", "replace"))


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain differs from what the key says it must be."""

    seq: int
    problem: str  # changed | removed | inserted | head_mismatch


def find_break(
    key: bytes, entries: list[tuple[ChainFields, str]], first_seq: int = 1
) -> ChainBreak | None:
    """Walk ``entries`` (fields, stored hash) in order; name the first changed, removed or
    inserted entry, or None when the chain is intact."""
    expected_seq, prev_hash = first_seq, GENESIS_HASH
    for index, (fields, stored) in enumerate(entries):
        if fields.seq != expected_seq:
            return ChainBreak(expected_seq, "removed" if fields.seq > expected_seq else "inserted")
        if fields.prev_hash != prev_hash:
            return ChainBreak(fields.seq, "inserted" if stored == prev_hash else "changed")
        if not same_hash(entry_hash(key, fields), stored):
            return ChainBreak(fields.seq, _forged_kind(entries, index, prev_hash))
        expected_seq, prev_hash = expected_seq + 1, stored
    return None


def _forged_kind(entries: list[tuple[ChainFields, str]], index: int, prev_hash: str) -> str:
    # When the entry after a forged one still links to the entry before it, the forged entry was
    # slipped in between (and the later entries renumbered): an insertion, not an edit.
    following = entries[index + 1][0] if index + 1 < len(entries) else None
    return "inserted" if following is not None and following.prev_hash == prev_hash else "changed"
