"""The chain arithmetic names the first changed, removed or inserted entry."""

from __future__ import annotations

from dataclasses import replace

from fieldvisit.domain.audit_chain import (
    GENESIS_HASH,
    ChainBreak,
    ChainFields,
    content_digest,
    entry_hash,
    find_break,
)

KEY = b"k" * 32


def _chain(length: int) -> list[tuple[ChainFields, str]]:
    entries: list[tuple[ChainFields, str]] = []
    prev = GENESIS_HASH
    for seq in range(1, length + 1):
        fields = ChainFields(
            seq,
            f"2026-12-01T09:{seq:02d}:00+00:00",
            7,
            "case.update",
            "case",
            str(seq),
            None,
            content_digest({"n": seq}),
            prev,
        )
        prev = entry_hash(KEY, fields)
        entries.append((fields, prev))
    return entries


def test_an_intact_chain_has_no_break() -> None:
    assert find_break(KEY, _chain(5)) is None


def test_a_changed_field_is_named() -> None:
    entries = _chain(5)
    fields, stored = entries[2]
    entries[2] = (replace(fields, action="case.delete"), stored)
    assert find_break(KEY, entries) == ChainBreak(3, "changed")


def test_a_removed_entry_is_named() -> None:
    entries = _chain(5)
    del entries[1]
    assert find_break(KEY, entries) == ChainBreak(2, "removed")


def test_a_rehashed_forgery_without_the_key_is_caught() -> None:
    entries = _chain(3)
    fields, _ = entries[1]
    forged = replace(fields, action="case.delete")
    entries[1] = (forged, entry_hash(b"wrong key" * 4, forged))
    assert find_break(KEY, entries) == ChainBreak(2, "changed")


def test_digest_ignores_key_order() -> None:
    assert content_digest({"a": 1, "b": 2}) == content_digest({"b": 2, "a": 1})
    assert content_digest(None) is None
