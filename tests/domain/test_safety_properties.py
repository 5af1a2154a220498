"""Properties of the safety machine over random sequences of actions and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier
from fieldvisit.domain.errors import FieldVisitError, ValidationError
from fieldvisit.domain.safety_alarms import acknowledge, cancel, resolve
from fieldvisit.domain.safety_machine import (
    check_out,
    extend,
    next_due,
    open_session,
    sos,
    sweep,
    tick,
)
from fieldvisit.domain.safety_policy import SafetyPolicy
from fieldvisit.domain.safety_state import AlarmRaised, Effect, SafetyState

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
POLICY = SafetyPolicy()
CREW = frozenset({11, 12})
KINDS = [AlarmKind.OVERDUE, AlarmKind.SOS, AlarmKind.DURESS]


@dataclass(frozen=True)
class Step:
    action: str
    minutes: int  # time passing before the action
    who: int
    kind: AlarmKind
    note: str


steps = st.builds(
    Step,
    action=st.sampled_from(
        [
            "tick",
            "tick",
            "tick",
            "extend",
            "sos",
            "check_out",
            "duress",
            "ack",
            "resolve",
            "cancel",
            "sweep",
        ]
    ),
    minutes=st.integers(0, 20),
    who=st.sampled_from([5, 6, 11]),
    kind=st.sampled_from(KINDS),
    note=st.sampled_from(["", "  ", "reached by phone"]),
)


def _apply(state: SafetyState, step: Step, now: datetime) -> tuple[SafetyState, tuple[Effect, ...]]:
    match step.action:
        case "tick":
            return tick(state, POLICY, now)
        case "extend":
            return extend(state, POLICY, now, 11)
        case "sos":
            return sos(state, POLICY, now)
        case "check_out" | "duress":
            return check_out(state, POLICY, now, 11, duress=step.action == "duress")
        case "ack":
            return acknowledge(state, step.kind, step.who, now)
        case "resolve":
            return resolve(state, step.kind, step.who, step.note, now)
        case "cancel":
            return cancel(state, POLICY, step.kind, step.who, step.note, now)
        case _:
            return sweep(state, POLICY, now)


def _play(tier: RiskTier, plan: list[Step]) -> list[tuple[SafetyState, Step, tuple[Effect, ...]]]:
    state = open_session(POLICY, tier, CREW, T0)
    now = T0
    history = []
    for step in plan:
        now += timedelta(minutes=step.minutes)
        before = state
        try:
            state, effects = _apply(state, step, now)
        except FieldVisitError:
            effects = ()
            assert state is before  # a refused action changes nothing
        history.append((state, step, effects))
    return history


plans = st.lists(steps, max_size=25)
tiers = st.sampled_from(list(RiskTier))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(tiers, plans)
def test_no_path_skips_an_escalation_step(tier: RiskTier, plan: list[Step]) -> None:
    raised: dict[AlarmKind, list[int]] = {}
    for _, _, effects in _play(tier, plan):
        for effect in effects:
            if isinstance(effect, AlarmRaised):
                raised.setdefault(effect.kind, []).append(effect.step)
    for kind, numbers in raised.items():
        first = POLICY.first_step(kind)
        # Each new alarm of a kind starts at its first step; the climb is one step at a time.
        for previous, current in zip([first - 1, *numbers], numbers, strict=False):
            assert current == previous + 1 or current == first


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(tiers, plans)
def test_an_alarm_is_never_lost(tier: RiskTier, plan: list[Step]) -> None:
    previous: SafetyState | None = None
    for state, _, _ in _play(tier, plan):
        if previous is not None:
            assert len(state.alarms) >= len(previous.alarms)
            for _old, new in zip(previous.alarms, state.alarms, strict=False):
                if new.state not in (AlarmState.OPEN, AlarmState.ACKNOWLEDGED):
                    assert new.note  # it only ends with a written reason
        previous = state


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(tiers, plans, st.integers(0, 600))
def test_an_open_session_past_its_grace_is_always_alarmed(
    tier: RiskTier, plan: list[Step], wait: int
) -> None:
    history = _play(tier, plan)
    state = history[-1][0] if history else open_session(POLICY, tier, CREW, T0)
    now = T0 + timedelta(minutes=sum(s.minutes for s in plan) + wait)
    state, _ = tick(state, POLICY, now)
    if not state.closed and now >= state.alarm_due:
        assert state.chain(AlarmKind.OVERDUE) is not None


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(tiers, plans)
def test_duress_always_alarms(tier: RiskTier, plan: list[Step]) -> None:
    history = _play(tier, plan)
    state = history[-1][0] if history else open_session(POLICY, tier, CREW, T0)
    had_duress = state.active_chain(AlarmKind.DURESS) is not None
    after, effects = check_out(state, POLICY, T0 + timedelta(days=1), 11, duress=True)
    chain = after.active_chain(AlarmKind.DURESS)
    assert chain is not None
    assert chain.silent
    assert had_duress or any(isinstance(e, AlarmRaised) and e.silent for e in effects)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(tiers, plans, st.sampled_from(["", " ", "\n", None]))
def test_resolution_needs_a_note(tier: RiskTier, plan: list[Step], note: str | None) -> None:
    history = _play(tier, plan)
    state = history[-1][0] if history else open_session(POLICY, tier, CREW, T0)
    for kind in KINDS:
        try:
            resolve(state, kind, 5, note, T0 + timedelta(days=1))
        except ValidationError:
            continue
        raise AssertionError("resolved without a note")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(tiers, plans, st.integers(0, 600), st.integers(1, 59))
def test_next_due_is_exactly_when_the_watcher_must_look(
    tier: RiskTier, plan: list[Step], wait: int, early_seconds: int
) -> None:
    """Ticking before ``next_due`` changes nothing; ticking at it always does something."""
    history = _play(tier, plan)
    state = history[-1][0] if history else open_session(POLICY, tier, CREW, T0)
    now = T0 + timedelta(minutes=sum(s.minutes for s in plan) + wait)
    state, _ = tick(state, POLICY, now)
    due = next_due(state, POLICY, now)
    if due is None:
        later, effects = tick(state, POLICY, now + timedelta(days=1))
        assert effects == ()
        assert later == state
        return
    if due - timedelta(seconds=early_seconds) > now:
        early, effects = tick(state, POLICY, due - timedelta(seconds=early_seconds))
        assert effects == ()
        assert early == state
    at_due, effects = tick(state, POLICY, max(due, now))
    assert at_due != state
