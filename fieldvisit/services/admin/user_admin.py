"""Administration of users: create, change role or team, reset passwords, deactivate; audited."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.auth import check_new_password
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m


class UsersAdmin:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        audit: AuditLog,
        clock: Clock,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._sessions = session_factory
        self._audit = audit
        self._clock = clock
        self._hasher = hasher or PasswordHasher()

    def create_user(
        self,
        actor: Actor,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        team_id: int | None = None,
    ) -> int:
        require(actor, Permission.MANAGE_USERS)
        check_new_password(password)
        with self._sessions.begin() as session:
            if session.scalar(select(m.User.id).where(m.User.username == username)) is not None:
                raise ConflictError("error.auth.user_exists", username=username)
            user = m.User(
                username=username,
                display_name=display_name,
                role=role.value,
                team_id=team_id,
                password_hash=self._hasher.hash(password),
                created_at=self._clock(),
            )
            session.add(user)
            session.flush()
            self._audit.record(
                session,
                actor_id=actor.user_id,
                action="user.created",
                entity_type="user",
                entity_id=user.id,
                after={"username": username, "role": role.value, "team_id": team_id},
            )
            return user.id

    def bootstrap_admin(self, username: str, display_name: str, password: str) -> int:
        """The first administrator of a new database; refused once an active admin exists."""
        check_new_password(password)
        with self._sessions.begin() as session:
            admins = session.scalar(
                select(m.User.id).where(m.User.role == Role.ADMIN, m.User.active.is_(True))
            )
            if admins is not None:
                raise PermissionDeniedError("error.auth.admin_exists")
            user = m.User(
                username=username,
                display_name=display_name,
                role=Role.ADMIN.value,
                password_hash=self._hasher.hash(password),
                created_at=self._clock(),
            )
            session.add(user)
            session.flush()
            self._audit.record(
                session,
                actor_id=None,
                action="user.bootstrap_admin",
                entity_type="user",
                entity_id=user.id,
                after={"username": username, "role": Role.ADMIN.value},
            )
            return user.id

    def set_role(self, actor: Actor, user_id: int, role: Role, team_id: int | None) -> None:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions.begin() as session:
            user = _user(session, user_id)
            before = {"role": user.role, "team_id": user.team_id}
            user.role, user.team_id = role.value, team_id
            self._audit.record(
                session,
                actor_id=actor.user_id,
                action="user.role_changed",
                entity_type="user",
                entity_id=user_id,
                before=before,
                after={"role": role.value, "team_id": team_id},
            )

    def set_password(self, actor: Actor, user_id: int, password: str) -> None:
        """Users change their own password; an admin may reset anyone's."""
        if actor.user_id != user_id:
            require(actor, Permission.MANAGE_USERS)
        check_new_password(password)
        with self._sessions.begin() as session:
            user = _user(session, user_id)
            user.password_hash = self._hasher.hash(password)
            self._audit.record(
                session,
                actor_id=actor.user_id,
                action="user.password_set",
                entity_type="user",
                entity_id=user_id,
            )

    def deactivate(self, actor: Actor, user_id: int) -> None:
        require(actor, Permission.MANAGE_USERS)
        if actor.user_id == user_id:
            # The last admin locking themselves out would leave nobody to manage users.
            raise PermissionDeniedError("error.auth.self_deactivate")
        with self._sessions.begin() as session:
            _user(session, user_id).active = False
            self._audit.record(
                session,
                actor_id=actor.user_id,
                action="user.deactivated",
                entity_type="user",
                entity_id=user_id,
            )


def _user(session: Session, user_id: int) -> m.User:
    user = session.get(m.User, user_id)
    if user is None:
        raise NotFoundError("error.auth.no_user", user=user_id)
    return user
