"""The safety session and its alarms as values, and the effects a transition asks for."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier, SafetySessionState
from fieldvisit.domain.safety_policy import Audience

ACTIVE_ALARM_STATES = frozenset({AlarmState.OPEN, AlarmState.ACKNOWLEDGED})


@dataclass(frozen=True)
class AlarmChain:
    """One alarm of a session (overdue, SOS or duress) and how far up the ladder it climbed."""

    kind: AlarmKind
    silent: bool
    step: int  # the highest ladder step raised, 1-based
    raised_at: datetime
    step_due_at: datetime | None  # when the next step is raised unless acknowledged
    state: AlarmState = AlarmState.OPEN
    acknowledged_by: int | None = None
    acknowledged_at: datetime | None = None
    closed_by: int | None = None
    closed_at: datetime | None = None
    note: str | None = None
    first_step: int = 1
    generation: int = 0  # how many alarms of this kind the session had before

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_ALARM_STATES


@dataclass(frozen=True)
class SafetyState:
    """A crew's timed safety session at one visit."""

    opened_at: datetime
    expected_end: datetime
    grace: timedelta
    tier: RiskTier
    crew: frozenset[int]  # users who cannot acknowledge this session's alarms
    phase: SafetySessionState = SafetySessionState.ACTIVE
    reminded_for: datetime | None = None  # the expected end a reminder was sent for
    alarms: tuple[AlarmChain, ...] = ()
    closed_at: datetime | None = None
    closed_by: int | None = None

    @property
    def alarm_due(self) -> datetime:
        return self.expected_end + self.grace

    @property
    def closed(self) -> bool:
        return self.phase == SafetySessionState.CLOSED

    def chain(self, kind: AlarmKind) -> AlarmChain | None:
        """The latest alarm of a kind."""
        found = [a for a in self.alarms if a.kind == kind]
        return found[-1] if found else None

    def active_chain(self, kind: AlarmKind) -> AlarmChain | None:
        chain = self.chain(kind)
        return chain if chain is not None and chain.active else None

    def with_chain(self, chain: AlarmChain) -> SafetyState:
        """This state with ``chain`` replacing the latest alarm of its kind (or added)."""
        alarms = list(self.alarms)
        for index in range(len(alarms) - 1, -1, -1):
            if alarms[index].kind == chain.kind and alarms[index].active:
                alarms[index] = chain
                return replace(self, alarms=tuple(alarms))
        return replace(self, alarms=(*alarms, chain))


@dataclass(frozen=True)
class ReminderDue:
    due: datetime


@dataclass(frozen=True)
class PhaseChanged:
    phase: SafetySessionState


@dataclass(frozen=True)
class AlarmRaised:
    kind: AlarmKind
    step: int
    audience: Audience
    instructions: str
    silent: bool
    step_due_at: datetime | None


@dataclass(frozen=True)
class AlarmAcknowledged:
    kind: AlarmKind
    by: int


@dataclass(frozen=True)
class AlarmClosed:
    kind: AlarmKind
    state: AlarmState  # resolved or cancelled
    by: int | None
    note: str


@dataclass(frozen=True)
class StandDown:
    """Tell everyone an alarm reached that it is over."""

    kind: AlarmKind
    audiences: tuple[Audience, ...]
    reason: str


@dataclass(frozen=True)
class SessionClosed:
    at: datetime
    by: int | None
    swept: bool = False


@dataclass(frozen=True)
class Extended:
    expected_end: datetime


Effect = (
    ReminderDue
    | PhaseChanged
    | AlarmRaised
    | AlarmAcknowledged
    | AlarmClosed
    | StandDown
    | SessionClosed
    | Extended
)
Transition = tuple[SafetyState, tuple[Effect, ...]]
