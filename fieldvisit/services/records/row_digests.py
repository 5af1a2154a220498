"""``audit verify`` for rows: approvals, round status, cases and debtors against their seals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from fieldvisit.domain.audit_check import Finding, parse_row
from fieldvisit.domain.messages import Message
from fieldvisit.services.row_seals import BASELINE_ACTION, SEAL_ACTION, WATCHED, current_digests


def sealed_digests(
    rows: Sequence[Mapping[str, object]], findings: Sequence[Finding]
) -> tuple[dict[str, dict[str, tuple[int, str | None]]], set[str]]:
    """Table → id → (seq, digest) of the newest seal, from entries whose payload is intact; and
    the tables that have a baseline."""
    damaged = {f.seq for f in findings if f.kind != "entry_removed_since_anchor"}
    entries = []
    for row in rows:
        parsed = parse_row(row)
        if isinstance(parsed, Finding) or parsed.fields.seq in damaged:
            continue
        if parsed.fields.action in (SEAL_ACTION, BASELINE_ACTION) and parsed.payload is not None:
            entries.append(parsed)
    entries.sort(key=lambda e: e.fields.seq)
    seals: dict[str, dict[str, tuple[int, str | None]]] = {name: {} for name in WATCHED}
    baselines: set[str] = set()
    for entry in entries:
        name = entry.fields.entity_type
        after = entry.payload.get("after") if entry.payload else None
        sealed = after.get("rows") if isinstance(after, dict) else None
        if name not in seals or not isinstance(sealed, dict):
            continue
        if entry.fields.action == BASELINE_ACTION:
            baselines.add(name)
            # A baseline states the whole table: rows it leaves out were not there.
            seals[name] = {}
        for row_id, digest in sealed.items():
            seals[name][str(row_id)] = (
                entry.fields.seq,
                digest if isinstance(digest, str) else None,
            )
    return seals, baselines


def row_problems(
    session: Session, rows: Sequence[Mapping[str, object]], findings: Sequence[Finding]
) -> list[Message]:
    """A named finding for each watched row that differs from, lacks or outlived its seal."""
    seals, baselines = sealed_digests(rows, findings)
    problems: list[Message] = []
    for name in WATCHED:
        try:
            now = {str(i): d for i, d in current_digests(session, name).items()}
        except (SQLAlchemyError, ValueError, TypeError, ArithmeticError) as error:
            problems.append(
                Message(
                    "records.verify.table_unreadable", {"table": name, "detail": str(error)[:200]}
                )
            )
            continue
        sealed = seals[name]
        unsealed = []
        for row_id in sorted(now, key=_order):
            seal = sealed.get(row_id)
            if seal is None and name not in baselines:
                unsealed.append(row_id)
            elif seal is None or seal[1] is None:
                problems.append(
                    Message("records.verify.row_inserted", {"table": name, "row": row_id})
                )
            elif seal[1] != now[row_id]:
                problems.append(
                    Message(
                        "records.verify.row_changed", {"table": name, "row": row_id, "seq": seal[0]}
                    )
                )
        if unsealed:
            # A database from before row seals: one line, and the way out.
            problems.append(
                Message(
                    "records.verify.rows_unsealed",
                    {"table": name, "count": len(unsealed), "first": ", ".join(unsealed[:5])},
                )
            )
        for row_id, (seq, digest) in sorted(sealed.items(), key=lambda item: _order(item[0])):
            if digest is not None and row_id not in now:
                problems.append(
                    Message(
                        "records.verify.row_removed", {"table": name, "row": row_id, "seq": seq}
                    )
                )
    return problems


def _order(row_id: str) -> tuple[int, str]:
    return (int(row_id), "") if row_id.isdigit() else (0, row_id)
