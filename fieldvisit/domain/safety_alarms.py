"""Alarm transitions: raise, climb the ladder, acknowledge, resolve with a note, cancel."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from fieldvisit.domain.enums import AlarmKind, AlarmState, SafetySessionState
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.domain.safety_policy import Audience, SafetyPolicy
from fieldvisit.domain.safety_state import (
    AlarmAcknowledged,
    AlarmChain,
    AlarmClosed,
    AlarmRaised,
    Effect,
    PhaseChanged,
    SafetyState,
    StandDown,
    Transition,
)


def _raised(policy: SafetyPolicy, chain: AlarmChain) -> AlarmRaised:
    step = policy.step(chain.step)
    return AlarmRaised(
        chain.kind, chain.step, step.audience, step.instructions, chain.silent, chain.step_due_at
    )


def _due_after(policy: SafetyPolicy, step: int, now: datetime) -> datetime | None:
    # The last step has no timeout: it stays raised until someone acknowledges it.
    return None if step >= policy.last_step else now + policy.step(step).timeout


def raise_alarm(
    state: SafetyState, policy: SafetyPolicy, kind: AlarmKind, now: datetime, *, silent: bool
) -> Transition:
    """Raise an alarm at its first step; an alarm of that kind already running is kept."""
    if state.active_chain(kind) is not None:
        return state, ()
    first = policy.first_step(kind)
    generation = sum(1 for a in state.alarms if a.kind == kind)
    chain = AlarmChain(
        kind,
        silent,
        first,
        now,
        _due_after(policy, first, now),
        first_step=first,
        generation=generation,
    )
    effects: list[Effect] = [_raised(policy, chain)]
    new = state.with_chain(chain)
    # A silent alarm leaves the session as the crew sees it; the board shows the alarm itself.
    if not silent and not state.closed and state.phase != SafetySessionState.ALARM:
        new = replace(new, phase=SafetySessionState.ALARM)
        effects.append(PhaseChanged(SafetySessionState.ALARM))
    return new, tuple(effects)


def escalate(state: SafetyState, policy: SafetyPolicy, now: datetime) -> Transition:
    """Raise the next step of every unacknowledged alarm whose step timed out: one step at a
    time, so no step is ever skipped, even when the watcher wakes late."""
    effects: list[Effect] = []
    for chain in state.alarms:
        if chain.state != AlarmState.OPEN or chain.step_due_at is None or now < chain.step_due_at:
            continue
        step = chain.step + 1
        climbed = replace(chain, step=step, step_due_at=_due_after(policy, step, now))
        state = state.with_chain(climbed)
        effects.append(_raised(policy, climbed))
    return state, tuple(effects)


def _active(state: SafetyState, kind: AlarmKind) -> AlarmChain:
    chain = state.active_chain(kind)
    if chain is None:
        raise ConflictError("safety.error.no_active_alarm", kind=kind.value)
    return chain


def acknowledge(state: SafetyState, kind: AlarmKind, by: int, now: datetime) -> Transition:
    """The first acknowledgement owns the alarm and stops the climb; the crew cannot own it."""
    chain = _active(state, kind)
    if by in state.crew:
        raise PermissionDeniedError("safety.error.own_alarm")
    if chain.state == AlarmState.ACKNOWLEDGED:
        raise ConflictError("safety.error.already_acknowledged", user_id=chain.acknowledged_by)
    owned = replace(
        chain,
        state=AlarmState.ACKNOWLEDGED,
        acknowledged_by=by,
        acknowledged_at=now,
        step_due_at=None,
    )
    return state.with_chain(owned), (AlarmAcknowledged(kind, by),)


def check_note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise ValidationError("safety.error.note_required")
    return text


def resolve(
    state: SafetyState, kind: AlarmKind, by: int, note: str | None, now: datetime
) -> Transition:
    """The owner closes the alarm with a note; the session stays open until the crew leaves."""
    text = check_note(note)
    chain = _active(state, kind)
    if chain.state != AlarmState.ACKNOWLEDGED:
        raise ConflictError("safety.error.acknowledge_first")
    if chain.acknowledged_by != by:
        raise PermissionDeniedError("safety.error.not_owner", user_id=chain.acknowledged_by)
    return _close(state, chain, AlarmState.RESOLVED, by, text, now)


def cancel(
    state: SafetyState,
    policy: SafetyPolicy,
    kind: AlarmKind,
    by: int | None,
    note: str | None,
    now: datetime,
) -> Transition:
    """Call an alarm off (false alarm, crew found safe): everyone it reached is stood down."""
    text = check_note(note)
    chain = _active(state, kind)
    if by is not None and by in state.crew and kind != AlarmKind.OVERDUE:
        # The crew ends an overdue alarm by checking out; SOS and duress need someone else.
        raise PermissionDeniedError("safety.error.own_alarm")
    new, effects = _close(state, chain, AlarmState.CANCELLED, by, text, now)
    return new, (*effects, StandDown(kind, audiences(policy, chain), text))


def audiences(policy: SafetyPolicy, chain: AlarmChain) -> tuple[Audience, ...]:
    """Everyone the alarm has alerted so far."""
    return tuple(policy.step(n).audience for n in range(chain.first_step, chain.step + 1))


def _close(
    state: SafetyState,
    chain: AlarmChain,
    outcome: AlarmState,
    by: int | None,
    note: str,
    now: datetime,
) -> Transition:
    closed = replace(chain, state=outcome, closed_by=by, closed_at=now, note=note, step_due_at=None)
    new = state.with_chain(closed)
    effects: list[Effect] = [AlarmClosed(chain.kind, outcome, by, note)]
    if not new.closed:
        # The alarm ends, not the visit: the crew may still be inside, so its session stays
        # open until it checks out (or the end-of-day sweep closes it).
        phase = _open_phase(new, now)
        if phase != new.phase:
            new = replace(new, phase=phase)
            effects.append(PhaseChanged(phase))
    return new, tuple(effects)


def _open_phase(state: SafetyState, now: datetime) -> SafetySessionState:
    if any(a.active and not a.silent for a in state.alarms):
        return SafetySessionState.ALARM
    if now >= state.expected_end:
        return SafetySessionState.OVERDUE
    return SafetySessionState.ACTIVE
