"""Table tests of every safety timer with a simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier, SafetySessionState
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.domain.safety_alarms import acknowledge, resolve
from fieldvisit.domain.safety_machine import check_out, extend, open_session, sos, sweep, tick
from fieldvisit.domain.safety_policy import Audience, SafetyPolicy
from fieldvisit.domain.safety_state import (
    AlarmRaised,
    ReminderDue,
    SafetyState,
    SessionClosed,
    StandDown,
)

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = SafetyPolicy()
CREW = frozenset({11, 12})
MANAGER = 5


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _run(state: SafetyState, *minutes: float) -> tuple[SafetyState, list[object]]:
    effects: list[object] = []
    for minute in minutes:
        state, new = tick(state, POLICY, _at(minute))
        effects.extend(new)
    return state, effects


@pytest.mark.parametrize(
    ("tier", "length", "grace"),
    [(RiskTier.HIGH, 30, 2), (RiskTier.MEDIUM, 120, 5), (RiskTier.LOW, 240, 5)],
)
def test_length_and_grace_follow_the_risk_tier(tier: RiskTier, length: int, grace: int) -> None:
    state = open_session(POLICY, tier, CREW, T0)
    assert state.expected_end == _at(length)
    assert state.alarm_due == _at(length + grace)


@pytest.mark.parametrize("minutes", [4, 1441, 0, -5])
def test_lengths_outside_5_to_1440_minutes_are_refused(minutes: int) -> None:
    with pytest.raises(ValidationError):
        open_session(POLICY, RiskTier.LOW, CREW, T0, minutes=minutes)


def test_a_fixed_time_check_in_is_due_at_that_time() -> None:
    state = open_session(POLICY, RiskTier.LOW, CREW, T0, until=_at(45))
    assert state.expected_end == _at(45)


@pytest.mark.parametrize(
    ("minute", "reminded", "phase", "alarm_step"),
    [
        (24.9, False, SafetySessionState.ACTIVE, None),
        (25, True, SafetySessionState.ACTIVE, None),
        (30, False, SafetySessionState.OVERDUE, None),
        (31.9, False, SafetySessionState.OVERDUE, None),
        (32, False, SafetySessionState.ALARM, 1),
    ],
)
def test_high_risk_timeline(
    minute: float, reminded: bool, phase: SafetySessionState, alarm_step: int | None
) -> None:
    state = open_session(POLICY, RiskTier.HIGH, CREW, T0)
    state, effects = _run(state, minute)
    assert any(isinstance(e, ReminderDue) for e in effects) is reminded
    assert state.phase == phase
    chain = state.chain(AlarmKind.OVERDUE)
    assert (chain.step if chain else None) == alarm_step


def test_reminder_is_sent_once() -> None:
    state = open_session(POLICY, RiskTier.HIGH, CREW, T0)
    _, effects = _run(state, 25, 26, 27)
    assert sum(isinstance(e, ReminderDue) for e in effects) == 1


@pytest.mark.parametrize(
    ("minute", "step", "audience"),
    [
        (32, 1, Audience.CREW),
        (34, 2, Audience.MANAGER),
        (36, 3, Audience.SAFETY_LEAD),
        (38, 4, Audience.EMERGENCY),
        (60, 4, Audience.EMERGENCY),
    ],
)
def test_ladder_climbs_a_step_every_two_minutes(minute: int, step: int, audience: Audience) -> None:
    state = open_session(POLICY, RiskTier.HIGH, CREW, T0)
    state, effects = _run(state, *range(30, minute + 1))
    raised = [e for e in effects if isinstance(e, AlarmRaised)]
    assert [e.step for e in raised] == list(range(1, step + 1))
    assert raised[-1].audience == audience
    assert raised[-1].instructions == f"safety.step.{audience.value}.instructions"


def test_a_late_watcher_still_raises_every_step_in_turn() -> None:
    state = open_session(POLICY, RiskTier.HIGH, CREW, T0)
    state, effects = _run(state, 90, 90, 91, 92, 94, 96)
    assert [e.step for e in effects if isinstance(e, AlarmRaised)] == [1, 2, 3, 4]


def test_acknowledgement_stops_the_climb_and_first_one_owns_it() -> None:
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32, 34)
    state, _ = acknowledge(state, AlarmKind.OVERDUE, MANAGER, _at(35))
    with pytest.raises(ConflictError):
        acknowledge(state, AlarmKind.OVERDUE, 6, _at(35))
    state, effects = _run(state, 40, 50)
    assert not any(isinstance(e, AlarmRaised) for e in effects)
    assert state.chain(AlarmKind.OVERDUE).acknowledged_by == MANAGER  # type: ignore[union-attr]


def test_nobody_acknowledges_their_own_alarm() -> None:
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32)
    with pytest.raises(PermissionDeniedError):
        acknowledge(state, AlarmKind.OVERDUE, 11, _at(33))


def test_resolution_needs_a_note_and_the_owner() -> None:
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32)
    state, _ = acknowledge(state, AlarmKind.OVERDUE, MANAGER, _at(33))
    with pytest.raises(ValidationError):
        resolve(state, AlarmKind.OVERDUE, MANAGER, "  ", _at(34))
    with pytest.raises(PermissionDeniedError):
        resolve(state, AlarmKind.OVERDUE, 6, "called them", _at(34))
    state, _ = resolve(state, AlarmKind.OVERDUE, MANAGER, "called, all fine", _at(34))
    assert state.chain(AlarmKind.OVERDUE).state == AlarmState.RESOLVED  # type: ignore[union-attr]


def test_resolving_an_alarm_leaves_the_crew_s_session_open_until_it_checks_out() -> None:
    """Issue 20 item 8: resolving the alarm closed the session of a crew still inside."""
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32)
    state, _ = acknowledge(state, AlarmKind.OVERDUE, MANAGER, _at(33))
    state, effects = resolve(state, AlarmKind.OVERDUE, MANAGER, "called, still inside", _at(34))
    assert not state.closed
    assert state.phase == SafetySessionState.OVERDUE
    assert not any(isinstance(e, SessionClosed) for e in effects)
    state, effects = _run(state, 40, 90)
    assert not any(isinstance(e, AlarmRaised) for e in effects)  # the same visit alarms once
    state, effects = check_out(state, POLICY, _at(95), 11)
    assert state.closed
    assert any(isinstance(e, SessionClosed) for e in effects)


def test_extend_adds_fifteen_minutes_and_stands_down_an_overdue_alarm() -> None:
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32, 34)
    state, effects = extend(state, POLICY, _at(35), 11)
    assert state.expected_end == _at(50)
    assert state.phase == SafetySessionState.ACTIVE
    stand_down = [e for e in effects if isinstance(e, StandDown)]
    assert stand_down[0].audiences == (Audience.CREW, Audience.MANAGER)


def test_extend_before_due_counts_from_the_due_time() -> None:
    state = open_session(POLICY, RiskTier.HIGH, CREW, T0)
    state, _ = extend(state, POLICY, _at(10), 11)
    assert state.expected_end == _at(45)


def test_late_check_out_stands_down_everyone_alerted() -> None:
    state, _ = _run(open_session(POLICY, RiskTier.HIGH, CREW, T0), 32, 34, 36)
    state, effects = check_out(state, POLICY, _at(37), 11)
    assert state.closed
    stand_down = next(e for e in effects if isinstance(e, StandDown))
    assert stand_down.audiences == (Audience.CREW, Audience.MANAGER, Audience.SAFETY_LEAD)


def test_sos_raises_at_once_above_the_crew_and_keeps_climbing() -> None:
    state = open_session(POLICY, RiskTier.LOW, CREW, T0)
    state, effects = sos(state, POLICY, _at(3))
    assert [(e.kind, e.step) for e in effects if isinstance(e, AlarmRaised)] == [(AlarmKind.SOS, 2)]
    _, later = _run(state, 5)
    assert [e.step for e in later if isinstance(e, AlarmRaised)] == [3]


def test_duress_check_out_closes_normally_and_raises_a_silent_alarm() -> None:
    state = open_session(POLICY, RiskTier.LOW, CREW, T0)
    normal, _ = check_out(state, POLICY, _at(20), 11)
    duress, effects = check_out(state, POLICY, _at(20), 11, duress=True)
    assert (duress.phase, duress.closed_at) == (normal.phase, normal.closed_at)
    raised = [e for e in effects if isinstance(e, AlarmRaised)]
    assert raised[0].kind == AlarmKind.DURESS
    assert raised[0].silent
    _, climbed = _run(duress, 22)
    assert [e.step for e in climbed if isinstance(e, AlarmRaised)] == [3]


def test_sweep_raises_an_alarm_for_a_session_left_open() -> None:
    state = open_session(POLICY, RiskTier.LOW, CREW, T0)
    state, _effects = sweep(state, POLICY, _at(60))
    assert state.chain(AlarmKind.OVERDUE) is not None
    assert sweep(state, POLICY, _at(61))[1] == ()


def test_sweep_leaves_closed_sessions_alone() -> None:
    state, _ = check_out(open_session(POLICY, RiskTier.LOW, CREW, T0), POLICY, _at(5), 11)
    assert sweep(state, POLICY, _at(60)) == (state, ())


@pytest.mark.parametrize(
    ("tier", "planned", "due"),
    [(RiskTier.LOW, 30, 45), (RiskTier.MEDIUM, 30, 45), (RiskTier.HIGH, 30, 30),
     (RiskTier.LOW, 300, 240), (RiskTier.LOW, None, 240)],
)  # fmt: skip
def test_the_default_timer_follows_the_planned_length_within_the_tier(
    tier: RiskTier, planned: int | None, due: int
) -> None:
    """Issue 20: a 30-minute low-risk visit defaulted to a 4-hour check-out timer."""
    length = None if planned is None else timedelta(minutes=planned)
    state = open_session(POLICY, tier, CREW, T0, planned=length)
    assert state.expected_end == T0 + timedelta(minutes=due)
