"""Carries out a safety transition in the caller's transaction: rows, events and audit entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from fieldvisit.domain.enums import AlarmState
from fieldvisit.domain.errors import ConflictError
from fieldvisit.domain.safety_state import (
    AlarmAcknowledged,
    AlarmChain,
    AlarmClosed,
    AlarmRaised,
    Effect,
    PhaseChanged,
    ReminderDue,
    SafetyState,
    SessionClosed,
    StandDown,
    Transition,
)
from fieldvisit.services.field.store import (
    GENERATION,
    SafetyDeps,
    StaleSessionError,
    event_id,
    get_session,
    insert_ignore,
    load_state,
    write_session,
)
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class Applied:
    """What this call changed; a watcher that lost a race to another one applied nothing."""

    raised: tuple[AlarmRaised, ...]
    reminders: int


def apply(
    deps: SafetyDeps,
    s: Session,
    row: m.SafetySession,
    old: SafetyState,
    new: SafetyState,
    effects: tuple[Effect, ...],
    actor_id: int | None,
) -> Applied:
    write_session(s, row, old, new)
    now = deps.clock()
    before = {(c.kind, c.generation): c for c in old.alarms}
    inserted: set[tuple[str, int]] = set()
    for chain in new.alarms:
        previous = before.get((chain.kind, chain.generation))
        inserted |= _insert_steps(s, row.id, previous, chain, now)
        if previous is not None and previous.state != chain.state:
            _update_chain(s, row.id, chain)
    raised: list[AlarmRaised] = []
    reminders = 0
    for effect in effects:
        if isinstance(effect, AlarmRaised):
            if (effect.kind, effect.step) not in inserted:
                continue  # another watcher raised it first
            raised.append(effect)
        if isinstance(effect, ReminderDue | PhaseChanged) and not _once(s, row, effect, now):
            continue
        reminders += isinstance(effect, ReminderDue)
        _record(deps, s, row, effect, actor_id, now)
    return Applied(tuple(raised), reminders)


def _insert_steps(
    s: Session, session_id: int, previous: AlarmChain | None, chain: AlarmChain, now: datetime
) -> set[tuple[str, int]]:
    start = previous.step + 1 if previous is not None else chain.first_step
    done: set[tuple[str, int]] = set()
    for step in range(start, chain.step + 1):
        values = {
            "session_id": session_id,
            "kind": chain.kind.value,
            "step": chain.generation * GENERATION + step,
            "silent": chain.silent,
            "raised_at": now,
            "step_due_at": chain.step_due_at if step == chain.step else None,
            "state": AlarmState.OPEN.value,
        }
        if insert_ignore(s, m.Alarm, values):
            done.add((chain.kind.value, step))
    return done


def _update_chain(s: Session, session_id: int, chain: AlarmChain) -> None:
    low = chain.generation * GENERATION
    where = [
        m.Alarm.session_id == session_id,
        m.Alarm.kind == chain.kind.value,
        m.Alarm.step > low,
        m.Alarm.step < low + GENERATION,
    ]
    if chain.state == AlarmState.ACKNOWLEDGED:
        # The first acknowledgement wins, across machines: only a still-open alarm is taken.
        where.append(m.Alarm.state == AlarmState.OPEN.value)
    values: dict[str, Any] = {
        "state": chain.state.value,
        "acknowledged_by": chain.acknowledged_by,
        "acknowledged_at": chain.acknowledged_at,
        "resolved_by": chain.closed_by,
        "resolved_at": chain.closed_at,
        "resolution_note": chain.note,
        "step_due_at": chain.step_due_at,
    }
    result = s.execute(
        update(m.Alarm).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise ConflictError("safety.error.already_acknowledged", user_id=None)


def _once(
    s: Session, row: m.SafetySession, effect: ReminderDue | PhaseChanged, now: datetime
) -> bool:
    """Timer events are stored once, whichever watcher notices first."""
    if isinstance(effect, ReminderDue):
        kind, key, detail = "reminder", effect.due.isoformat(), {"due": effect.due.isoformat()}
    else:
        kind, key, detail = effect.phase.value, row.expected_end.isoformat(), {}
    return insert_ignore(
        s,
        m.SafetyEvent,
        {
            "session_id": row.id,
            "kind": kind,
            "at": now,
            "client_event_id": event_id(kind, row.id, key),
            "detail": detail,
        },
    )


def _record(
    deps: SafetyDeps,
    s: Session,
    row: m.SafetySession,
    effect: Effect,
    actor_id: int | None,
    now: datetime,
) -> None:
    kind, detail = describe(effect)
    if not isinstance(effect, ReminderDue | PhaseChanged):
        s.add(m.SafetyEvent(session_id=row.id, kind=kind, at=now, actor_id=actor_id, detail=detail))
    deps.audit.record(
        s,
        actor_id=actor_id,
        action=f"safety.{kind}",
        entity_type="safety_session",
        entity_id=row.id,
        after=detail,
    )


def describe(effect: Effect) -> tuple[str, dict[str, Any]]:
    """The event kind and its JSON detail."""
    match effect:
        case AlarmRaised():
            return "alarm_raised", {
                "alarm": effect.kind.value,
                "step": effect.step,
                "audience": effect.audience.value,
                "silent": effect.silent,
            }
        case AlarmAcknowledged():
            return "alarm_acknowledged", {"alarm": effect.kind.value, "by": effect.by}
        case AlarmClosed():
            return f"alarm_{effect.state.value}", {"alarm": effect.kind.value, "note": effect.note}
        case StandDown():
            audiences = [a.value for a in effect.audiences]
            return "stand_down", {"alarm": effect.kind.value, "notified": audiences}
        case SessionClosed():
            return ("swept" if effect.swept else "session_closed"), {}
        case ReminderDue():
            return "reminder", {"due": effect.due.isoformat()}
        case PhaseChanged():
            return effect.phase.value, {}
        case _:
            return "extended", {"expected_end": effect.expected_end.isoformat()}


Step = Callable[[SafetyState], Transition]


def transact(
    deps: SafetyDeps,
    session_id: int,
    actor_id: int | None,
    step: Step,
    then: Callable[[Session, m.SafetySession, SafetyState], None] | None = None,
) -> tuple[SafetyState, Applied]:
    """Load, transition and store one session in one transaction; a concurrent change (another
    machine checked out meanwhile) is retried on fresh data, a refused action changes nothing."""
    for attempt in range(3):
        try:
            with deps.session_factory.begin() as s:
                row = get_session(s, session_id)
                old = load_state(s, row)
                new, effects = step(old)
                applied = apply(deps, s, row, old, new, effects, actor_id)
                if then is not None:
                    then(s, row, new)
                return new, applied
        except StaleSessionError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
