"""Who is alerted is configured per team and step, audited; the last step stays an admin's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.domain.notify_rules import NotifyChannel, Route
from fieldvisit.services.field.notify_config import ChannelSettings, NotifyConfig
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.notify_world import admin_actor
from tests.services.test_safety_world import World, build_world

EMAIL = NotifyChannel.EMAIL


@pytest.fixture
def world(sqlite_url: str) -> World:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return build_world(db)


def _routes(world: World) -> list[tuple[int, str, str]]:
    with world.db.session_factory() as s:
        rows = s.scalars(select(m.NotifyRoute).order_by(m.NotifyRoute.step, m.NotifyRoute.id))
        return [(r.step, r.channel, r.address) for r in rows]


def _audit(world: World, action: str) -> list[m.AuditEntry]:
    with world.db.session_factory() as s:
        return list(s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == action)))


def test_a_manager_sets_the_lower_steps_of_the_team_and_it_is_audited(world: World) -> None:
    config = NotifyConfig(world.deps)
    config.set_step(world.manager, world.team_id, 2, [Route(2, EMAIL, "a@example.com")])
    config.set_step(world.manager, world.team_id, 2, [Route(2, EMAIL, "b@example.com")])
    assert _routes(world) == [(2, "email", "b@example.com")]
    last = _audit(world, "notify.routes_changed")[-1]
    payload = last.payload or {}
    assert payload["before"]["routes"][0]["address"] == "a@example.com"
    assert payload["after"]["routes"][0]["address"] == "b@example.com"
    views = config.routes(world.manager, world.team_id)
    assert [(v.step, v.audience) for v in views] == [(2, "manager")]


def test_the_last_step_is_an_admins_and_never_empty(world: World) -> None:
    config, admin = NotifyConfig(world.deps), admin_actor(world)
    desk = [Route(4, EMAIL, "desk@example.com")]
    with pytest.raises(PermissionDeniedError) as refused:
        config.set_step(world.manager, world.team_id, 4, desk)
    assert refused.value.message.id == "notify.error.last_step_admin_only"
    with pytest.raises(PermissionDeniedError):
        config.set_step(world.lead, world.team_id, 4, desk)
    config.set_step(admin, world.team_id, 4, desk)
    with pytest.raises(ValidationError) as empty:
        config.set_step(admin, world.team_id, 4, [])
    assert empty.value.message.id == "notify.error.last_step_empty"
    with pytest.raises(ValidationError):  # switched off is as good as empty
        config.set_step(
            admin, world.team_id, 4, [Route(4, EMAIL, "desk@example.com", active=False)]
        )
    assert _routes(world) == [(4, "email", "desk@example.com")]


def test_others_may_not_change_who_is_alerted(world: World) -> None:
    config = NotifyConfig(world.deps)
    route = [Route(1, EMAIL, "x@example.com")]
    with pytest.raises(PermissionDeniedError):
        config.set_step(world.collector, world.team_id, 1, route)
    other_team = world.team_id + 1
    with pytest.raises(PermissionDeniedError):
        config.set_step(world.manager, other_team, 1, route)
    with pytest.raises(PermissionDeniedError):
        config.set_channels(world.manager, world.team_id, ChannelSettings())


@pytest.mark.parametrize(
    ("make", "message_id"),
    [
        (lambda: Route(1, EMAIL, "not-an-address"), "notify.error.bad_email"),
        (lambda: Route(1, NotifyChannel.WEBHOOK, "call me"), "notify.error.bad_phone"),
    ],
)
def test_a_bad_recipient_names_what_to_fix(make: object, message_id: str) -> None:
    with pytest.raises(ValidationError) as bad:
        make()  # type: ignore[operator]
    assert bad.value.message.id == message_id


def test_a_bad_change_writes_nothing(world: World) -> None:
    config = NotifyConfig(world.deps)
    config.set_step(world.manager, world.team_id, 1, [Route(1, EMAIL, "a@example.com")])
    with pytest.raises(ValidationError):  # user 999 does not exist
        config.set_step(
            world.manager, world.team_id, 1, [Route(1, EMAIL, "b@example.com", user_id=999)]
        )
    with pytest.raises(ValidationError):
        config.set_step(world.manager, world.team_id, 9, [Route(9, EMAIL, "b@example.com")])
    assert _routes(world) == [(1, "email", "a@example.com")]


def test_channel_settings_are_checked_and_the_secret_never_audited(world: World) -> None:
    config, admin = NotifyConfig(world.deps), admin_actor(world)
    with pytest.raises(ValidationError) as bad:
        ChannelSettings(webhook_url="ftp://gateway.example.com/")
    assert bad.value.message.params == {"field": "webhook_url"}
    config.set_channels(
        admin, world.team_id, ChannelSettings(smtp_host="mail.example.com", smtp_from="a@b.cn")
    )
    secret = config.new_webhook_secret(admin, world.team_id)
    assert len(secret) == 64
    entries = _audit(world, "notify.channels_changed") + _audit(
        world, "notify.webhook_secret_rotated"
    )
    assert len(entries) == 2
    assert all(secret not in repr(e.payload) for e in entries)
