"""Password login: argon2 hashes, rate-limited failures logged in login_attempts, Actor out."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor
from fieldvisit.domain.auth import LoginPolicy, locked_until
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.storage import models as m

# Compared against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = PasswordHasher().hash("not a password of anyone")


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    return (hasher or PasswordHasher()).hash(password)


def hash_password_with_salt(password: str, salt: bytes) -> str:
    """A reproducible hash (same salt, same string): only the demo data set needs this."""
    defaults = PasswordHasher()
    return hash_secret(
        password.encode("utf-8"),
        salt,
        time_cost=defaults.time_cost,
        memory_cost=defaults.memory_cost,
        parallelism=defaults.parallelism,
        hash_len=defaults.hash_len,
        type=Type.ID,
    ).decode("ascii")


def actor_for_user(session: Session, user: m.User) -> Actor:
    crews = session.scalars(select(m.CrewMember.crew_id).where(m.CrewMember.user_id == user.id))
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        team_id=user.team_id,
        crew_ids=frozenset(crews),
        display_name=user.display_name,
    )


# The source recorded for an administrator's unlock: a success that resets every source's count.
UNLOCKED_BY_ADMIN = "(unlocked by an administrator)"


class AuthService:
    """Signs users in; every attempt is logged, and too many failures from one source lock the
    username for that source."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        *,
        policy: LoginPolicy | None = None,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._policy = policy or LoginPolicy()
        self._hasher = hasher or PasswordHasher()

    def login(self, username: str, password: str, host: str | None = None) -> Actor:
        """The Actor of a valid login; PermissionDeniedError (invalid or locked) otherwise."""
        name = username.strip()
        now = self._clock()
        with self._sessions.begin() as session:
            # Failures count per user *and* source: someone guessing from another machine cannot
            # lock a manager out of their own; an administrator's unlock clears every source.
            source = m.LoginAttempt.host.is_(None) if host is None else m.LoginAttempt.host == host
            attempts = session.execute(
                select(m.LoginAttempt.at, m.LoginAttempt.success)
                .where(
                    m.LoginAttempt.username == name,
                    or_(source, m.LoginAttempt.host == UNLOCKED_BY_ADMIN),
                )
                .order_by(m.LoginAttempt.at, m.LoginAttempt.id)
            ).all()
            until = locked_until([(a, s) for a, s in attempts], now, self._policy)
            user = session.scalar(select(m.User).where(m.User.username == name))
            ok = until is None and self._verify(user, password)
            session.add(m.LoginAttempt(username=name[:64], at=now, success=ok, host=host))
            if ok and user is not None:
                self._rehash_if_needed(user, password)
                return actor_for_user(session, user)
        if until is not None:
            raise PermissionDeniedError("error.auth.locked", until=until.isoformat(" ", "minutes"))
        raise PermissionDeniedError("error.auth.invalid")

    def actor(self, user_id: int) -> Actor:
        with self._sessions() as session:
            user = session.get(m.User, user_id)
            if user is None or not user.active:
                raise NotFoundError("error.auth.no_user", user=user_id)
            return actor_for_user(session, user)

    def _verify(self, user: m.User | None, password: str) -> bool:
        stored = user.password_hash if user is not None and user.active else None
        try:
            return self._hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def _rehash_if_needed(self, user: m.User, password: str) -> None:
        # Stronger hashing parameters apply to a user at their next successful login.
        if user.password_hash and self._hasher.check_needs_rehash(user.password_hash):
            user.password_hash = self._hasher.hash(password)
