"""The safety world with delivery switched on: routes for every ladder step, a real SMTP server
and a real HTTP gateway on 127.0.0.1, and a watcher that delivers after each pass."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.notify_rules import NotifyChannel, Route
from fieldvisit.domain.notify_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from fieldvisit.services.field.notify import Notifier
from fieldvisit.services.field.notify_channels import PushHub
from fieldvisit.services.field.notify_config import ChannelSettings, NotifyConfig
from fieldvisit.services.field.notify_health import WatcherHealth
from fieldvisit.services.field.watch import SafetyWatcher, WatchReport
from fieldvisit.storage import models as m
from tests.services.notify_receivers import HttpReceiver, Received
from tests.services.test_safety_world import T0, World

EMAIL, WEBHOOK, PUSH = NotifyChannel.EMAIL, NotifyChannel.WEBHOOK, NotifyChannel.PUSH
CREW_PHONE, MANAGER_PHONE = "+8613800000001", "+8613800000002"


@dataclass
class Alerting:
    world: World
    admin: Actor
    config: NotifyConfig
    notifier: Notifier
    health: WatcherHealth
    hub: PushHub
    secret: str

    def watch(self, minutes: float, seconds: float = 0, watcher: str = "w1") -> WatchReport:
        self.world.clock.now = T0 + timedelta(minutes=minutes, seconds=seconds)
        hooks = (self.health.check, self.notifier.run)
        return SafetyWatcher(self.world.deps, watcher, after_pass=hooks).run_once()

    def attempts(self) -> list[tuple[str, str, int, str]]:
        """(target kind and step, channel, attempt, outcome) in the order they were made."""
        with self.world.db.session_factory() as s:
            rows = s.execute(
                select(m.DeliveryAttempt, m.Alarm.step)
                .outerjoin(m.Alarm, m.Alarm.id == m.DeliveryAttempt.alarm_id)
                .order_by(m.DeliveryAttempt.id)
            ).all()
        return [
            (
                f"{a.target.split(':')[0]}{step or ''}",
                f"{a.channel}:{a.address}",
                a.attempt,
                a.outcome,
            )
            for a, step in rows
        ]


def admin_actor(world: World) -> Actor:
    with world.db.session_factory.begin() as s:
        admin = m.User(username="admin", display_name="admin", role="admin", created_at=T0)
        s.add(admin)
        s.flush()
        return Actor(admin.id, Role.ADMIN, None, frozenset(), "admin")


def set_up(world: World, smtp_port: int, gateway: str) -> Alerting:
    """Step 1 texts the crew, step 2 mails and texts the manager and pushes to the board,
    step 3 mails the safety lead, the last step mails the emergency desk."""
    admin = admin_actor(world)
    deps = world.deps
    config, hub = NotifyConfig(deps), PushHub()
    config.set_channels(
        admin,
        world.team_id,
        ChannelSettings(
            smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_from="alarms@fieldvisit.test",
            webhook_url=gateway, language="en",
        ),
    )  # fmt: skip
    secret = config.new_webhook_secret(admin, world.team_id)
    manager, team = world.manager, world.team_id
    config.set_step(manager, team, 1, [Route(1, WEBHOOK, CREW_PHONE, world.collector.user_id)])
    config.set_step(
        manager,
        team,
        2,
        [
            Route(2, EMAIL, "mgr@example.com", manager.user_id),
            Route(2, WEBHOOK, MANAGER_PHONE, manager.user_id),
            Route(2, PUSH),
        ],
    )
    config.set_step(world.lead, team, 3, [Route(3, EMAIL, "lead@example.com")])
    config.set_step(admin, team, 4, [Route(4, EMAIL, "desk@example.com")])
    return Alerting(world, admin, config, Notifier(deps, hub), WatcherHealth(deps), hub, secret)


def signed_payload(alerting: Alerting, request: Received) -> dict[str, object]:
    """The request's JSON, after checking its signature the way a gateway would."""
    timestamp = int(request.headers[TIMESTAMP_HEADER.lower()])
    now = int(alerting.world.clock().timestamp())
    signature = request.headers[SIGNATURE_HEADER.lower()]
    assert verify(alerting.secret.encode(), timestamp, request.body, signature, now)
    payload: dict[str, object] = json.loads(request.body)
    return payload


def gateway_calls(receiver: HttpReceiver) -> list[str]:
    return [json.loads(r.body)["recipient"] for r in receiver.requests]
