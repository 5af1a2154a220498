"""Each ladder step of a session's alarms with every delivery attempt and the acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.services.field.store import GENERATION, SafetyDeps
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class AttemptView:
    channel: str
    address: str
    attempt: int
    at: datetime
    outcome: str
    error: str | None


@dataclass(frozen=True)
class StepDeliveries:
    kind: str
    step: int
    audience: str
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    attempts: tuple[AttemptView, ...]


class DeliveryLog:
    """Read-only, for the Safety board and the records: who was told what, when, and whether."""

    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def for_session(self, actor: Actor, session_id: int) -> tuple[StepDeliveries, ...]:
        require(actor, Permission.WATCH_SAFETY)
        ladder = self._deps.policy.ladder
        with self._deps.session_factory() as s:
            session = s.get(m.SafetySession, session_id)
            if session is None:
                raise NotFoundError("safety.error.no_session", session_id=session_id)
            if actor.role == Role.MANAGER and s.get_one(m.Crew, session.crew_id).team_id != (
                actor.team_id
            ):
                raise PermissionDeniedError("notify.error.other_team")
            alarms = s.scalars(
                select(m.Alarm).where(m.Alarm.session_id == session_id).order_by(m.Alarm.id)
            ).all()
            steps = []
            for alarm in alarms:
                step = alarm.step % GENERATION
                owner = s.get(m.User, alarm.acknowledged_by) if alarm.acknowledged_by else None
                attempts = s.scalars(
                    select(m.DeliveryAttempt)
                    .where(m.DeliveryAttempt.alarm_id == alarm.id)
                    .order_by(m.DeliveryAttempt.id)
                )
                steps.append(
                    StepDeliveries(
                        alarm.kind,
                        step,
                        ladder[min(step, len(ladder)) - 1].audience.value,
                        alarm.raised_at,
                        owner.display_name if owner else None,
                        alarm.acknowledged_at,
                        tuple(
                            AttemptView(a.channel, a.address, a.attempt, a.at, a.outcome, a.error)
                            for a in attempts
                        ),
                    )
                )
        return tuple(steps)
