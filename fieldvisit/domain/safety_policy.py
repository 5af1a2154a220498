"""Safety timings: session length and grace per risk tier, reminder lead, the escalation ladder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from fieldvisit.domain.enums import AlarmKind, RiskTier
from fieldvisit.domain.errors import ValidationError

MIN_SESSION = timedelta(minutes=5)
MAX_SESSION = timedelta(minutes=1440)


class Audience(StrEnum):
    """Who an escalation step alerts."""

    CREW = "crew"
    MANAGER = "manager"
    SAFETY_LEAD = "safety_lead"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class EscalationStep:
    audience: Audience
    timeout: timedelta
    instructions: str  # message id of what the alerted person must do

    def __post_init__(self) -> None:
        if self.timeout <= timedelta(0):
            raise ValidationError("safety.error.step_timeout", audience=self.audience.value)


def _default_ladder() -> tuple[EscalationStep, ...]:
    two = timedelta(minutes=2)
    return tuple(
        EscalationStep(audience, two, f"safety.step.{audience.value}.instructions")
        for audience in Audience
    )


def _durations() -> dict[RiskTier, timedelta]:
    return {
        RiskTier.HIGH: timedelta(minutes=30),
        RiskTier.MEDIUM: timedelta(hours=2),
        RiskTier.LOW: timedelta(hours=4),
    }


def _graces() -> dict[RiskTier, timedelta]:
    # A crew at a violent address gets less slack before the office is alerted.
    return {
        RiskTier.HIGH: timedelta(minutes=2),
        RiskTier.MEDIUM: timedelta(minutes=5),
        RiskTier.LOW: timedelta(minutes=5),
    }


@dataclass(frozen=True)
class SafetyPolicy:
    """How long sessions last and how an alarm climbs the ladder; validated on creation."""

    durations: dict[RiskTier, timedelta] = field(default_factory=_durations)
    grace: dict[RiskTier, timedelta] = field(default_factory=_graces)
    reminder_lead: timedelta = timedelta(minutes=5)
    extend_by: timedelta = timedelta(minutes=15)
    ladder: tuple[EscalationStep, ...] = field(default_factory=_default_ladder)
    end_of_day: time = time(21, 0)  # local time of the team; the sweep runs after it

    def __post_init__(self) -> None:
        if not 0 < len(self.ladder) < 100:  # steps are stored below 100 per alarm
            raise ValidationError("safety.error.ladder_length")
        for tier in RiskTier:
            check_length(self.durations[tier])
            if self.grace[tier] < timedelta(0):
                raise ValidationError("safety.error.bad_grace", tier=tier.value)

    def first_step(self, kind: AlarmKind) -> int:
        """The ladder step (1-based) an alarm starts at: the crew is asked first only when
        overdue; an SOS or a duress code goes straight to the first step above the crew."""
        if kind == AlarmKind.OVERDUE:
            return 1
        for number, step in enumerate(self.ladder, start=1):
            if step.audience != Audience.CREW:
                return number
        return 1

    def step(self, number: int) -> EscalationStep:
        return self.ladder[number - 1]

    @property
    def last_step(self) -> int:
        return len(self.ladder)


def check_length(length: timedelta) -> timedelta:
    """A session length within 5–1440 minutes, or a ValidationError that says the range."""
    if not MIN_SESSION <= length <= MAX_SESSION:
        raise ValidationError(
            "safety.error.bad_duration", minutes=int(length.total_seconds() // 60), low=5, high=1440
        )
    return length


# Time to leave and check out after the planned visit: ringing, waiting at the door, stairs.
DOOR_MARGIN = timedelta(minutes=15)


def session_length(
    policy: SafetyPolicy,
    tier: RiskTier,
    now: datetime,
    *,
    minutes: int | None = None,
    until: datetime | None = None,
    planned: timedelta | None = None,
) -> timedelta:
    """The expected length: a fixed end time, a number of minutes, or the default.

    The default is the visit's planned length plus a margin, never longer than the risk tier's
    check-in interval (high 30 min, medium 2 h, low 4 h): a 30-minute low-risk visit is due
    after 45 minutes, not 4 hours, so a crew in trouble is missed sooner.
    """
    if until is not None:
        return check_length(until - now)
    if minutes is not None:
        return check_length(timedelta(minutes=minutes))
    tier_length = policy.durations[tier]
    if planned is None:
        return tier_length
    return check_length(min(tier_length, planned + DOOR_MARGIN))
