"""What an administrator does for a person beyond their record: unlock a sign-in locked by
failures, clear a forgotten duress PIN (the person sets a new one), take someone back on."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.admin.auth import UNLOCKED_BY_ADMIN
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m


class PeopleAdmin:
    def __init__(self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock):
        self._sessions, self._audit, self._clock = session_factory, audit, clock

    def unlock(self, actor: Actor, username: str) -> None:
        """End a lock-out now, for every source it came from (audited)."""
        require(actor, Permission.MANAGE_USERS)
        with self._sessions.begin() as session:
            user = _user(session, username)
            now = self._clock()
            session.add(
                m.LoginAttempt(username=username, at=now, success=True, host=UNLOCKED_BY_ADMIN)
            )
            self._record(session, actor, "user.unlocked", user.id)

    def clear_duress_pin(self, actor: Actor, username: str) -> None:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions.begin() as session:
            user = _user(session, username)
            had = user.duress_pin_hash is not None
            user.duress_pin_hash = None
            self._record(session, actor, "user.duress_pin_cleared", user.id, {"had_pin": had})

    def reactivate(self, actor: Actor, username: str) -> None:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions.begin() as session:
            user = _user(session, username)
            before = {"active": user.active}
            user.active = True
            self._record(session, actor, "user.reactivated", user.id, before, {"active": True})

    def _record(
        self,
        session: Session,
        actor: Actor,
        action: str,
        user_id: int,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> None:
        self._audit.record(session, actor_id=actor.user_id, action=action, entity_type="user",
                           entity_id=user_id, before=before, after=after)  # fmt: skip


def _user(session: Session, username: str) -> m.User:
    user = session.scalar(select(m.User).where(m.User.username == username))
    if user is None:
        raise NotFoundError("error.auth.no_user", user=username)
    return user
