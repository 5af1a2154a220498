"""What the crew's own screen shows about its session: time left, and who answered an alarm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import AlarmKind, AlarmState, SafetySessionState
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.services.field.store import SafetyDeps, load_chains
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class CrewAlarm:
    kind: AlarmKind
    state: AlarmState
    acknowledged_by: str | None


@dataclass(frozen=True)
class CrewSession:
    """Never mentions a silent (duress) alarm: whoever watches the crew's screen sees nothing."""

    session_id: int
    visit_id: int | None
    expected_end: datetime
    remaining: timedelta
    state: SafetySessionState
    alarms: tuple[CrewAlarm, ...]


class SafetyStatus:
    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def session(self, actor: Actor, session_id: int) -> CrewSession:
        """A session's state and alarms, for its own crew or whoever watches the board (the
        team server serves this to any signed-in user, so the check is here)."""
        now = self._deps.clock()
        with self._deps.session_factory() as s:
            row = s.get(m.SafetySession, session_id)
            if row is None:
                raise NotFoundError("safety.error.no_session", session_id=session_id)
            if row.crew_id not in actor.crew_ids and not allows(actor, Permission.WATCH_SAFETY):
                raise PermissionDeniedError("safety.error.not_crew")
            alarms = []
            for chain in load_chains(s, row.id):
                if chain.silent or chain.state not in (AlarmState.OPEN, AlarmState.ACKNOWLEDGED):
                    continue
                owner = s.get(m.User, chain.acknowledged_by) if chain.acknowledged_by else None
                alarms.append(
                    CrewAlarm(chain.kind, chain.state, owner.display_name if owner else None)
                )
            return CrewSession(
                row.id,
                row.visit_id,
                row.expected_end,
                row.expected_end - now,
                SafetySessionState(row.state),
                tuple(alarms),
            )

    def open_sessions(self, actor: Actor) -> list[CrewSession]:
        """The actor's crews' sessions not yet checked out."""
        with self._deps.session_factory() as s:
            crews = select(m.CrewMember.crew_id).where(m.CrewMember.user_id == actor.user_id)
            ids = list(
                s.scalars(
                    select(m.SafetySession.id)
                    .where(
                        m.SafetySession.crew_id.in_(crews),
                        m.SafetySession.state != SafetySessionState.CLOSED.value,
                    )
                    .order_by(m.SafetySession.id)
                )
            )
        return [self.session(actor, session_id) for session_id in ids]
