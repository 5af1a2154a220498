"""Sign-in sessions of the team server: short-lived access tokens, rotating refresh tokens.

Only SHA-256 hashes of the tokens are stored (they are 256 random bits, so a slow hash adds
nothing). Every request re-reads the user, so a deactivated account or a changed role takes
effect at once, without waiting for the access token to expire.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.services.admin.auth import actor_for_user
from fieldvisit.storage import models as m

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(hours=12)  # one working day: the crew signs in once in the morning


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionTokens:
    """Issues, checks, rotates and revokes the tokens of signed-in clients."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Clock,
        *,
        access_ttl: timedelta = ACCESS_TTL,
        refresh_ttl: timedelta = REFRESH_TTL,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl

    def issue(self, actor: Actor, host: str | None = None) -> TokenPair:
        """A new session for ``actor``, who has just proved their password."""
        now = self._clock()
        pair = self._pair(now)
        with self._sessions.begin() as s:
            s.add(
                m.ServerSession(
                    user_id=actor.user_id,
                    access_hash=token_hash(pair.access_token),
                    refresh_hash=token_hash(pair.refresh_token),
                    issued_at=now,
                    access_expires_at=pair.access_expires_at,
                    refresh_expires_at=pair.refresh_expires_at,
                    host=(host or "")[:128] or None,
                )
            )
        return pair

    def actor(self, access_token: str) -> Actor:
        """The user behind a live access token; PermissionDeniedError otherwise."""
        now = self._clock()
        with self._sessions() as s:
            # Every request asks this: the session and its user in one round trip.
            found = s.execute(
                select(m.ServerSession, m.User)
                .join(m.User, m.User.id == m.ServerSession.user_id)
                .where(m.ServerSession.access_hash == token_hash(access_token))
            ).first()
            if found is None or found[0].revoked_at is not None:
                raise PermissionDeniedError("server.error.token_invalid")
            row, user = found
            if row.access_expires_at <= now:
                raise PermissionDeniedError("server.error.token_expired")
            if not user.active:
                raise PermissionDeniedError("server.error.user_inactive")
            return actor_for_user(s, user)

    def refresh(self, refresh_token: str) -> TokenPair:
        """New tokens for a live refresh token; the old pair stops working (rotation)."""
        now = self._clock()
        pair = self._pair(now)
        with self._sessions.begin() as s:
            row = s.scalar(
                select(m.ServerSession)
                .where(m.ServerSession.refresh_hash == token_hash(refresh_token))
                .with_for_update()
            )
            if row is None or row.revoked_at is not None or row.refresh_expires_at <= now:
                raise PermissionDeniedError("server.error.token_invalid")
            if not s.get_one(m.User, row.user_id).active:
                row.revoked_at = now
                raise PermissionDeniedError("server.error.user_inactive")
            row.access_hash = token_hash(pair.access_token)
            row.refresh_hash = token_hash(pair.refresh_token)
            row.access_expires_at = pair.access_expires_at
            # A refresh never outlives the working day the password opened.
            row.refresh_expires_at = min(row.refresh_expires_at, pair.refresh_expires_at)
            return TokenPair(
                pair.access_token,
                pair.refresh_token,
                pair.access_expires_at,
                row.refresh_expires_at,
            )

    def revoke(self, access_token: str) -> None:
        """Sign-out: the session's access and refresh tokens stop working."""
        with self._sessions.begin() as s:
            s.execute(
                update(m.ServerSession)
                .where(
                    m.ServerSession.access_hash == token_hash(access_token),
                    m.ServerSession.revoked_at.is_(None),
                )
                .values(revoked_at=self._clock())
            )

    def revoke_user(self, user_id: int) -> int:
        """Every open session of a user (deactivated, or a lost laptop); returns how many."""
        with self._sessions.begin() as s:
            result = s.execute(
                update(m.ServerSession)
                .where(m.ServerSession.user_id == user_id, m.ServerSession.revoked_at.is_(None))
                .values(revoked_at=self._clock())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def _pair(self, now: datetime) -> TokenPair:
        return TokenPair(
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            now + self._access_ttl,
            now + self._refresh_ttl,
        )
