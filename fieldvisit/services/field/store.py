"""Loads a safety session from its rows into the domain state and stores a transition back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, insert, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier, SafetySessionState
from fieldvisit.domain.errors import ConflictError, NotFoundError
from fieldvisit.domain.safety_policy import SafetyPolicy
from fieldvisit.domain.safety_state import AlarmChain, SafetyState
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m

# A session's second alarm of one kind gets steps 101, 102…: the unique (session, kind, step)
# keeps every watcher from raising a step twice, and a new alarm never collides with an old one.
GENERATION = 100
# Rows of one alarm can disagree after a race (a step raised just as it was acknowledged):
# the most advanced state wins.
_RANK = {
    AlarmState.OPEN: 0,
    AlarmState.ACKNOWLEDGED: 1,
    AlarmState.RESOLVED: 2,
    AlarmState.CANCELLED: 2,
}


class StaleSessionError(ConflictError):
    """Someone changed the session between our read and our write; reload and try again."""


@dataclass(frozen=True)
class SafetyDeps:
    """What every safety and field service needs: the session factory, audit log, clock, policy."""

    session_factory: sessionmaker[Session]
    audit: AuditLog
    clock: Clock
    policy: SafetyPolicy = field(default_factory=SafetyPolicy)


def event_id(*parts: object) -> str:
    """A deterministic client_event_id, so an event computed by two watchers is stored once."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fieldvisit:" + ":".join(map(str, parts))))


def crew_of(s: Session, row: m.SafetySession) -> frozenset[int]:
    members = set(
        s.scalars(select(m.CrewMember.user_id).where(m.CrewMember.crew_id == row.crew_id))
    )
    if row.visit_id is not None:
        members.update(
            s.scalars(select(m.VisitMember.user_id).where(m.VisitMember.visit_id == row.visit_id))
        )
    if not row.relayed:  # a dispatcher who relayed the check-in can still answer its alarm
        members.add(row.opened_by)
    return frozenset(members)


def get_session(s: Session, session_id: int) -> m.SafetySession:
    query = select(m.SafetySession).where(m.SafetySession.id == session_id)
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = s.scalars(query).one_or_none()
    if row is None:
        raise NotFoundError("safety.error.no_session", session_id=session_id)
    return row


def _chain(rows: list[m.Alarm], generation: int) -> AlarmChain:
    rows.sort(key=lambda r: r.step)
    top = rows[-1]
    state = max((AlarmState(r.state) for r in rows), key=lambda st: _RANK[st])
    acked = next((r for r in rows if r.acknowledged_by is not None), None)
    closed = next((r for r in rows if r.resolved_at is not None), None)
    return AlarmChain(
        kind=AlarmKind(top.kind),
        silent=any(r.silent for r in rows),
        step=top.step % GENERATION,
        raised_at=rows[0].raised_at,
        step_due_at=top.step_due_at if state == AlarmState.OPEN else None,
        state=state,
        acknowledged_by=acked.acknowledged_by if acked else None,
        acknowledged_at=acked.acknowledged_at if acked else None,
        closed_by=closed.resolved_by if closed else None,
        closed_at=closed.resolved_at if closed else None,
        note=closed.resolution_note if closed else None,
        first_step=rows[0].step % GENERATION,
        generation=generation,
    )


def load_chains(s: Session, session_id: int) -> tuple[AlarmChain, ...]:
    return chains_of(s, [session_id]).get(session_id, ())


def chains_of(s: Session, session_ids: list[int]) -> dict[int, tuple[AlarmChain, ...]]:
    """The alarm chains of several sessions in one query (the board reads them all at once)."""
    groups: dict[int, dict[tuple[str, int], list[m.Alarm]]] = {}
    for row in s.scalars(select(m.Alarm).where(m.Alarm.session_id.in_(session_ids))):
        if row.session_id is None:  # never: the query names sessions (for the type checker)
            continue
        by_kind = groups.setdefault(row.session_id, {})
        by_kind.setdefault((row.kind, row.step // GENERATION), []).append(row)
    return {
        session_id: tuple(
            sorted(
                (_chain(rows, key[1]) for key, rows in by_kind.items()),
                key=lambda c: (c.raised_at, c.kind),
            )
        )
        for session_id, by_kind in groups.items()
    }


def _reminded_for(s: Session, session_id: int) -> datetime | None:
    detail = s.scalar(
        select(m.SafetyEvent.detail)
        .where(m.SafetyEvent.session_id == session_id, m.SafetyEvent.kind == "reminder")
        .order_by(m.SafetyEvent.id.desc())
        .limit(1)
    )
    return datetime.fromisoformat(detail["due"]) if detail else None


def load_state(s: Session, row: m.SafetySession) -> SafetyState:
    return SafetyState(
        opened_at=row.opened_at,
        expected_end=row.expected_end,
        grace=timedelta(minutes=row.grace_minutes),
        tier=RiskTier(row.risk_tier),
        crew=crew_of(s, row),
        phase=SafetySessionState(row.state),
        reminded_for=_reminded_for(s, row.id),
        alarms=load_chains(s, row.id),
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


def write_session(s: Session, row: m.SafetySession, old: SafetyState, new: SafetyState) -> None:
    """Compare-and-set the session's own columns; a concurrent change makes this fail."""
    if (old.phase, old.expected_end, old.closed_at) == (new.phase, new.expected_end, new.closed_at):
        return
    result = s.execute(
        update(m.SafetySession)
        .where(
            m.SafetySession.id == row.id,
            m.SafetySession.state == old.phase.value,
            m.SafetySession.expected_end == old.expected_end,
        )
        .values(
            state=new.phase.value,
            expected_end=new.expected_end,
            closed_at=new.closed_at,
            closed_by=new.closed_by,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleSessionError("safety.error.stale", session_id=row.id)
    s.expire(row)


def insert_ignore(s: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """Insert a row unless a unique key already holds it; True when this call inserted it."""
    dialect = s.get_bind().dialect.name
    statement: Any
    if dialect == "postgresql":
        # psycopg reports no row count for a skipped insert (-1, which reads as true): ask for
        # the inserted row back instead, so two machines racing for one row get one winner.
        statement = (
            postgresql.insert(model)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(literal_column("1"))
        )
        return s.execute(statement).first() is not None
    if dialect == "sqlite":
        statement = sqlite.insert(model).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported dialects reach here
        statement = insert(model).values(**values)
    return bool(cast(CursorResult[Any], s.execute(statement)).rowcount)
