"""Row seals: the digest of every approval, round status, case and debtor row, kept in the chain.

Whenever a transaction touches a watched row (through the ORM, or a bulk writer that says so with
``mark``), its commit appends one ``rows.sealed`` entry per table holding ``{id: digest}`` of the
rows as committed (``None`` for a deleted row). ``audit verify`` recomputes each row's digest and
compares it with the newest seal, so an edit, insert or delete made in the database alone is
named with its table, row and entry. Only the columns that carry meaning are sealed, so that
bookkeeping columns (``updated_at``) do not need a seal of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, event, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.audit_chain import content_digest
from fieldvisit.services.audit import AuditEvent, AuditLog
from fieldvisit.storage import models as m
from fieldvisit.storage.models import AuditEntry

SEAL_ACTION = "rows.sealed"
BASELINE_ACTION = "rows.baseline"
_TOUCHED = "fieldvisit.touched_rows"
_INSTALLED = "_fieldvisit_row_seals"

# Table → the sealed columns (the primary key ``id`` is always the first).
WATCHED: dict[str, tuple[str, ...]] = {
    "approvals": (
        "id",
        "round_id",
        "decision",
        "reason",
        "scope",
        "round_version",
        "decided_by",
        "decided_at",
    ),
    "rounds": ("id", "crew_id", "plan_date", "status", "submitted_at", "ruleset_hash"),
    "cases": (
        "id",
        "creditor_id",
        "case_number",
        "debtor_id",
        "currency",
        "amount_overdue",
        "principal",
        "state",
        "state_until",
        "flags",
        "legal_hold",
        "team_id",
        "crew_id",
        "rule_profile",
    ),
    "debtors": ("id", "name", "id_number", "phone", "gender", "birth_date"),
}
_MODELS: dict[type[Any], str] = {
    m.Approval: "approvals",
    m.Round: "rounds",
    m.Case: "cases",
    m.Debtor: "debtors",
}


def _plain(value: object) -> object:
    # One form per value whether it comes from memory or back from either database.
    if isinstance(value, datetime):
        return (value if value.tzinfo is None else value.astimezone(UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return format(Decimal(value).normalize(), "f")
    return value


def row_digest(row: Mapping[str, object]) -> str | None:
    """The digest of a sealed row's values (``row`` holds at least the sealed columns)."""
    return content_digest({key: _plain(value) for key, value in row.items()})


def table(name: str) -> Table:
    return AuditEntry.metadata.tables[name]


def current_digests(
    session: Session, name: str, ids: Iterable[int] | None = None
) -> dict[int, str]:
    """id → digest of the rows of table ``name`` as stored now (all rows when ``ids`` is None)."""
    source = table(name)
    columns = [source.c[c] for c in WATCHED[name]]
    found: dict[int, str] = {}
    if ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        wanted = sorted(set(ids))
        chunks = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        statement = select(*columns)
        if chunk is not None:
            statement = statement.where(source.c.id.in_(chunk))
        for row in session.execute(statement):
            values = dict(row._mapping)
            found[int(values["id"])] = str(row_digest(values))
    return found


def mark(session: Session, name: str, ids: Iterable[int]) -> None:
    """Tell the seal at commit that a bulk writer touched these rows of table ``name``."""
    touched: dict[str, set[int]] = session.info.setdefault(_TOUCHED, {})
    touched.setdefault(name, set()).update(int(i) for i in ids)


def _track(session: Session, _context: object) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        name = _MODELS.get(type(instance))
        identity = getattr(instance, "id", None)
        if name is not None and identity is not None:
            mark(session, name, [identity])


def seal_touched(session: Session, audit: AuditLog) -> None:
    """Append the seals of every row this transaction touched (the commit hook calls this)."""
    session.flush()
    touched: dict[str, set[int]] = session.info.pop(_TOUCHED, {})
    events = []
    for name in sorted(touched):
        ids = touched[name]
        if not ids:
            continue
        now = current_digests(session, name, ids)
        rows = {str(i): now.get(i) for i in sorted(ids)}
        events.append(_event(audit, SEAL_ACTION, name, rows))
    if events:
        audit.record_many(session, events)
    session.info.pop(_TOUCHED, None)


def seal_all(session: Session, audit: AuditLog, actor_id: int | None = None) -> int:
    """A baseline: one entry per watched table sealing every row as it is now (the demo, and
    ``audit seal`` for databases that predate row seals). Returns the number of rows sealed."""
    session.flush()
    events, count = [], 0
    for name in WATCHED:
        now = current_digests(session, name)
        count += len(now)
        rows: dict[str, str | None] = {str(i): d for i, d in sorted(now.items())}
        events.append(_event(audit, BASELINE_ACTION, name, rows, actor_id))
    audit.record_many(session, events)
    session.info.pop(_TOUCHED, None)
    return count


def _event(
    audit: AuditLog, action: str, name: str, rows: dict[str, str | None], actor: int | None = None
) -> AuditEvent:
    return AuditEvent(audit.now(), actor, action, name, None, None, {"rows": rows})


AUDIT_IN_SESSION = "fieldvisit.audit_log"


def _before_commit(session: Session) -> None:
    audit = session.info.get(AUDIT_IN_SESSION) or session.info.get(_FACTORY_AUDIT)
    if audit is None:
        return  # nothing audited in this transaction: an unaudited edit stays unsealed
    if session.info.get(_TOUCHED) or session.new or session.dirty or session.deleted:
        seal_touched(session, audit)


def _after_commit_or_rollback(session: Session) -> None:
    session.info.pop(AUDIT_IN_SESSION, None)
    session.info.pop(_TOUCHED, None)


def listen() -> None:
    """Track watched rows in every session and seal them when the transaction audited (once)."""
    if getattr(Session, _INSTALLED, False):
        return
    setattr(Session, _INSTALLED, True)
    event.listen(Session, "after_flush", _track)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit_or_rollback)
    event.listen(Session, "after_rollback", _after_commit_or_rollback)


_FACTORY_AUDIT = "fieldvisit.factory_audit"


def install(session_factory: sessionmaker[Session], audit: AuditLog) -> None:
    """Seal touched rows at every commit of ``session_factory``'s sessions, even those that
    wrote no audit entry of their own (the wiring calls this for every backend)."""
    listen()
    info = session_factory.kw.setdefault("info", {})
    info[_FACTORY_AUDIT] = audit
