"""The safety session's timeline: open, remind, overdue, alarm, extend, SOS, check out, sweep.

Every function is pure: it takes the state and the time and returns the new state with the
effects the caller must carry out (store an alarm, notify, audit).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier, SafetySessionState
from fieldvisit.domain.errors import ConflictError
from fieldvisit.domain.safety_alarms import cancel, escalate, raise_alarm
from fieldvisit.domain.safety_policy import SafetyPolicy, session_length
from fieldvisit.domain.safety_state import (
    Effect,
    Extended,
    PhaseChanged,
    ReminderDue,
    SafetyState,
    SessionClosed,
    Transition,
)


def open_session(
    policy: SafetyPolicy,
    tier: RiskTier,
    crew: frozenset[int],
    now: datetime,
    *,
    minutes: int | None = None,
    until: datetime | None = None,
    planned: timedelta | None = None,
) -> SafetyState:
    """A session opened at check-in, due after the default length, given minutes or ``until``.

    ``planned``: the visit's planned length, which shortens the tier's default (session_length).
    """
    length = session_length(policy, tier, now, minutes=minutes, until=until, planned=planned)
    return SafetyState(
        opened_at=now, expected_end=now + length, grace=policy.grace[tier], tier=tier, crew=crew
    )


def tick(state: SafetyState, policy: SafetyPolicy, now: datetime) -> Transition:
    """Whatever the passing of time makes due: a reminder, overdue, the alarm, the next step."""
    effects: list[Effect] = []
    if not state.closed:
        state, timed = _timers(state, policy, now)
        effects.extend(timed)
    state, climbed = escalate(state, policy, now)
    return state, (*effects, *climbed)


def next_due(state: SafetyState, policy: SafetyPolicy, now: datetime) -> datetime | None:
    """The earliest instant from ``now`` on at which ``tick`` has something to do (None: nothing
    is timed); an instant already past means a step is still to be taken.

    The watcher sleeps until then instead of a fixed interval, so an alarm is raised when its
    grace period ends, not up to one interval later. The end-of-day sweep is not included: it
    depends on the team's zone and an interval's delay does not matter for it.
    """
    instants: list[datetime] = [
        chain.step_due_at
        for chain in state.alarms
        if chain.state == AlarmState.OPEN and chain.step_due_at is not None
    ]
    if not state.closed and state.reminded_for != state.expected_end and now < state.expected_end:
        instants.append(state.expected_end - policy.reminder_lead)
    if state.phase == SafetySessionState.ACTIVE:
        instants.append(state.expected_end)
    if not state.closed and state.chain(AlarmKind.OVERDUE) is None:
        instants.append(state.alarm_due)
    return min(instants, default=None)


def _timers(state: SafetyState, policy: SafetyPolicy, now: datetime) -> Transition:
    effects: list[Effect] = []
    reminder_at = state.expected_end - policy.reminder_lead
    if now >= reminder_at and now < state.expected_end and state.reminded_for != state.expected_end:
        state = replace(state, reminded_for=state.expected_end)
        effects.append(ReminderDue(state.expected_end))
    if now >= state.expected_end and state.phase == SafetySessionState.ACTIVE:
        state = replace(state, phase=SafetySessionState.OVERDUE)
        effects.append(PhaseChanged(SafetySessionState.OVERDUE))
    if now >= state.alarm_due and state.chain(AlarmKind.OVERDUE) is None:
        state, raised = raise_alarm(state, policy, AlarmKind.OVERDUE, now, silent=False)
        effects.extend(raised)
    return state, tuple(effects)


def _require_open(state: SafetyState) -> None:
    if state.closed:
        raise ConflictError("safety.error.session_closed")


def extend(state: SafetyState, policy: SafetyPolicy, now: datetime, by: int) -> Transition:
    """+15 minutes from the later of now and the due time; a sign of life ends an overdue alarm."""
    _require_open(state)
    end = max(now, state.expected_end) + policy.extend_by
    state = replace(state, expected_end=end)
    effects: list[Effect] = [Extended(end)]
    if state.active_chain(AlarmKind.OVERDUE) is not None:
        state, stood_down = cancel(state, policy, AlarmKind.OVERDUE, by, "extended", now)
        effects.extend(e for e in stood_down if not isinstance(e, SessionClosed))
        state = replace(state, closed_at=None, closed_by=None)
    phase = SafetySessionState.ALARM if _still_alarmed(state) else SafetySessionState.ACTIVE
    if phase != state.phase:
        state = replace(state, phase=phase)
        effects.append(PhaseChanged(phase))
    return state, tuple(effects)


def _still_alarmed(state: SafetyState) -> bool:
    return any(a.active and not a.silent for a in state.alarms)


def sos(state: SafetyState, policy: SafetyPolicy, now: datetime) -> Transition:
    """SOS confirmed by the crew: an alarm at once, above the crew's own step."""
    return raise_alarm(state, policy, AlarmKind.SOS, now, silent=False)


def check_out(
    state: SafetyState, policy: SafetyPolicy, now: datetime, by: int, *, duress: bool = False
) -> Transition:
    """The crew leaves: the session closes and a late check-out stands the overdue alarm down.

    With the duress PIN the result is the same for the crew, plus a silent alarm.
    """
    effects: list[Effect] = []
    was_closed = state.closed
    if state.active_chain(AlarmKind.OVERDUE) is not None:
        state, stood_down = cancel(state, policy, AlarmKind.OVERDUE, by, "checked_out", now)
        effects.extend(e for e in stood_down if not isinstance(e, SessionClosed))
    if not was_closed:
        state = replace(state, phase=SafetySessionState.CLOSED, closed_at=now, closed_by=by)
        effects.append(SessionClosed(now, by))
    if duress:
        state, raised = raise_alarm(state, policy, AlarmKind.DURESS, now, silent=True)
        effects.extend(raised)
    return state, tuple(effects)


def sweep(state: SafetyState, policy: SafetyPolicy, now: datetime) -> Transition:
    """End of day: a session still open with no alarm running raises the overdue alarm now."""
    if state.closed or any(a.active for a in state.alarms):
        return state, ()
    if state.chain(AlarmKind.OVERDUE) is not None:
        # Its alarm was dealt with but nobody checked out: close it, the day is over.
        closed = replace(state, phase=SafetySessionState.CLOSED, closed_at=now)
        return closed, (SessionClosed(now, None, swept=True),)
    return raise_alarm(state, policy, AlarmKind.OVERDUE, now, silent=False)
