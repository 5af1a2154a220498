"""Password login: argon2 hashes, each attempt logged, too many failures lock the username."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.services.admin.auth import AuthService
from fieldvisit.services.admin.people import PeopleAdmin
from fieldvisit.services.admin.user_admin import UsersAdmin
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def auth(database: Database, clock: FixedClock) -> AuthService:
    with database.session_factory.begin() as session:
        admin = m.User(username="root", display_name="Root", role="admin", created_at=NOW,
                       password_hash=FAST.hash("bootstrap-pw"))  # fmt: skip
        session.add(admin)
        session.flush()
        admin_id = admin.id
    users = UsersAdmin(database.session_factory, AuditLog(b"k" * 32, clock), clock, FAST)
    users.create_user(Actor(admin_id, Role.ADMIN), "li.na", "李娜", Role.COLLECTOR, "secret-123")
    return AuthService(database.session_factory, clock, hasher=FAST)


def _attempts(database: Database) -> list[tuple[str, bool]]:
    with database.session_factory() as session:
        rows = session.execute(
            select(m.LoginAttempt.username, m.LoginAttempt.success).order_by(m.LoginAttempt.id)
        ).all()
    return [(name, ok) for name, ok in rows]


def test_a_valid_login_returns_the_actor_and_is_logged(
    auth: AuthService, database: Database
) -> None:
    actor = auth.login("li.na", "secret-123", host="pc-1")
    assert actor.role == Role.COLLECTOR
    assert actor.display_name == "李娜"
    assert _attempts(database) == [("li.na", True)]


def test_passwords_are_stored_as_argon2_hashes(auth: AuthService, database: Database) -> None:
    with database.session_factory() as session:
        stored = session.scalar(select(m.User.password_hash).where(m.User.username == "li.na"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "secret-123" not in stored


@pytest.mark.parametrize(("username", "password"), [("li.na", "wrong"), ("nobody", "secret-123")])
def test_a_wrong_password_or_user_is_refused_alike(
    auth: AuthService, database: Database, username: str, password: str
) -> None:
    with pytest.raises(PermissionDeniedError, match=r"error\.auth\.invalid"):
        auth.login(username, password)
    assert _attempts(database) == [(username, False)]


def test_five_failures_lock_the_user_even_with_the_right_password(
    auth: AuthService, clock: FixedClock
) -> None:
    for _ in range(5):
        clock.advance(minutes=1)
        with pytest.raises(PermissionDeniedError, match="invalid"):
            auth.login("li.na", "guess")
    with pytest.raises(PermissionDeniedError, match=r"error\.auth\.locked"):
        auth.login("li.na", "secret-123")
    clock.advance(minutes=14)
    with pytest.raises(PermissionDeniedError, match="locked"):
        auth.login("li.na", "secret-123")
    clock.advance(minutes=2)
    assert auth.login("li.na", "secret-123").role == Role.COLLECTOR


def test_failures_spread_out_never_lock(auth: AuthService, clock: FixedClock) -> None:
    for _ in range(8):
        clock.advance(minutes=20)
        with pytest.raises(PermissionDeniedError, match="invalid"):
            auth.login("li.na", "guess")
    assert auth.login("li.na", "secret-123").role == Role.COLLECTOR


def test_a_deactivated_user_cannot_log_in(
    auth: AuthService, database: Database, clock: FixedClock
) -> None:
    actor = auth.login("root", "bootstrap-pw")
    users = UsersAdmin(database.session_factory, AuditLog(b"k" * 32, clock), clock, FAST)
    target = auth.login("li.na", "secret-123").user_id
    users.deactivate(actor, target)
    with pytest.raises(PermissionDeniedError, match="invalid"):
        auth.login("li.na", "secret-123")


def test_short_passwords_are_refused(
    auth: AuthService, database: Database, clock: FixedClock
) -> None:
    actor = auth.login("root", "bootstrap-pw")
    users = UsersAdmin(database.session_factory, AuditLog(b"k" * 32, clock), clock, FAST)
    with pytest.raises(ValidationError, match="password_short"):
        users.create_user(actor, "x", "X", Role.COLLECTOR, "short")


def test_demo_users_log_in_with_the_documented_password(demo_db: Database) -> None:
    from fieldvisit.demo.past import DEMO_PASSWORD

    service = AuthService(demo_db.session_factory, FixedClock(NOW))
    assert DEMO_PASSWORD == "demo1234"
    assert service.login("compliance", DEMO_PASSWORD).role == Role.COMPLIANCE


def test_failures_from_another_source_cannot_lock_a_user_out(
    auth: AuthService, clock: FixedClock
) -> None:
    for _ in range(5):
        clock.advance(minutes=1)
        with pytest.raises(PermissionDeniedError, match="invalid"):
            auth.login("li.na", "guess", host="10.9.9.9")
    # The guesser's source is locked, even with the right password ...
    with pytest.raises(PermissionDeniedError, match=r"error\.auth\.locked"):
        auth.login("li.na", "secret-123", host="10.9.9.9")
    # ... the user's own workstation is not.
    assert auth.login("li.na", "secret-123", host="ws-li-na").role == Role.COLLECTOR


def test_an_administrator_unlocks_every_source_and_it_is_audited(
    auth: AuthService, clock: FixedClock, database: Database
) -> None:
    for _ in range(5):
        clock.advance(minutes=1)
        with pytest.raises(PermissionDeniedError, match="invalid"):
            auth.login("li.na", "guess", host="ws-li-na")
    with pytest.raises(PermissionDeniedError, match="locked"):
        auth.login("li.na", "secret-123", host="ws-li-na")
    with database.session_factory() as session:
        admin = session.scalars(select(m.User).where(m.User.username == "root")).one()
        user = session.scalars(select(m.User).where(m.User.username == "li.na")).one()
    people = PeopleAdmin(database.session_factory, AuditLog(b"k" * 32, clock), clock)
    with pytest.raises(PermissionDeniedError):
        people.unlock(Actor(user.id, Role.COLLECTOR), "li.na")
    people.unlock(Actor(admin.id, Role.ADMIN), "li.na")
    assert auth.login("li.na", "secret-123", host="ws-li-na").role == Role.COLLECTOR
    with database.session_factory() as session:
        actions = session.scalars(select(m.AuditEntry.action)).all()
    assert "user.unlocked" in actions
