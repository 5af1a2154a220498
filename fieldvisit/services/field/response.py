"""The office's side of an alarm: acknowledge, resolve with a note, cancel, relayed check-out."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import AlarmKind
from fieldvisit.domain.safety_alarms import acknowledge, cancel, check_note, resolve
from fieldvisit.domain.safety_machine import check_out
from fieldvisit.domain.safety_state import SafetyState, Transition
from fieldvisit.services.field.effects import transact
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.visits import already_applied, check_member
from fieldvisit.storage import models as m


class SafetyResponse:
    """Each call is one transaction; the first acknowledgement across all machines wins."""

    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def acknowledge(self, actor: Actor, session_id: int, kind: AlarmKind) -> None:
        require(actor, Permission.ACKNOWLEDGE_ALARM)
        now = self._deps.clock()

        def step(state: SafetyState) -> Transition:
            return acknowledge(state, kind, actor.user_id, now)

        transact(self._deps, session_id, actor.user_id, step)

    def resolve(self, actor: Actor, session_id: int, kind: AlarmKind, note: str) -> None:
        require(actor, Permission.ACKNOWLEDGE_ALARM)
        now = self._deps.clock()

        def step(state: SafetyState) -> Transition:
            return resolve(state, kind, actor.user_id, note, now)

        transact(self._deps, session_id, actor.user_id, step)

    def cancel(self, actor: Actor, session_id: int, kind: AlarmKind, note: str) -> None:
        """A false alarm: everyone it reached gets a stand-down notice."""
        require(actor, Permission.ACKNOWLEDGE_ALARM)
        policy, now = self._deps.policy, self._deps.clock()

        def step(state: SafetyState) -> Transition:
            return cancel(state, policy, kind, actor.user_id, note, now)

        transact(self._deps, session_id, actor.user_id, step)

    def relay_check_out(
        self, actor: Actor, session_id: int, note: str, *, client_event_id: str | None = None
    ) -> None:
        """The crew phoned in safe: a dispatcher ends the safety session, marked as relayed.
        The visit itself stays open until the crew records its outcome."""
        text = check_note(note)
        policy, now = self._deps.policy, self._deps.clock()
        with self._deps.session_factory() as s:
            if already_applied(s, client_event_id) is not None:
                return

        def step(state: SafetyState) -> Transition:
            return check_out(state, policy, now, actor.user_id)

        def then(s: Session, row: m.SafetySession, _state: SafetyState) -> None:
            check_member(s, actor, row, relayed=True)
            row.relayed = True
            s.add(
                m.SafetyEvent(
                    session_id=row.id,
                    kind="check_out",
                    at=now,
                    actor_id=actor.user_id,
                    relayed=True,
                    client_event_id=client_event_id,
                    detail={"note": text},
                )
            )

        transact(self._deps, session_id, actor.user_id, step, then)
