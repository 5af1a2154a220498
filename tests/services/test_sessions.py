"""Sign-in sessions of the team server on SQLite: hashes only, expiry, rotation, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.services.admin.sessions import SessionTokens, token_hash
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def _setup(db: Database) -> tuple[SessionTokens, FixedClock, int]:
    clock = FixedClock(NOW)
    directory = UserDirectory(db.session_factory)
    user_id = directory.user_id("col.sh-e.11")
    return SessionTokens(db.session_factory, clock), clock, user_id


def _error(call: object) -> str:
    with pytest.raises(PermissionDeniedError) as caught:
        call()  # type: ignore[operator]
    return caught.value.message.id


def test_only_hashes_are_stored(demo_db: Database) -> None:
    tokens, _clock, user_id = _setup(demo_db)
    pair = tokens.issue(UserDirectory(demo_db.session_factory).actor(user_id))
    with demo_db.session_factory() as s:
        row = s.scalars(select(m.ServerSession)).one()
    assert row.access_hash == token_hash(pair.access_token)
    assert pair.access_token not in (row.access_hash, row.refresh_hash)
    assert tokens.actor(pair.access_token).user_id == user_id


def test_expiry_rotation_and_revocation(demo_db: Database) -> None:
    tokens, clock, user_id = _setup(demo_db)
    pair = tokens.issue(UserDirectory(demo_db.session_factory).actor(user_id))
    clock.advance(minutes=15)
    assert _error(lambda: tokens.actor(pair.access_token)) == "server.error.token_expired"
    renewed = tokens.refresh(pair.refresh_token)
    assert _error(lambda: tokens.refresh(pair.refresh_token)) == "server.error.token_invalid"
    assert tokens.actor(renewed.access_token).user_id == user_id
    assert renewed.refresh_expires_at == NOW + timedelta(hours=12)  # not pushed further out
    assert tokens.revoke_user(user_id) == 1
    assert _error(lambda: tokens.actor(renewed.access_token)) == "server.error.token_invalid"
