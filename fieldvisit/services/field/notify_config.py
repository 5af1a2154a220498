"""Who is told at which step, by which channel: a team's routes and channel settings, audited."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from fieldvisit.domain.notify_rules import NotifyChannel, Route, check_routes_change
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m

SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class ChannelSettings:
    """A team's SMTP server and gateway URL; the SMTP password stays in the environment."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_security: str = "none"
    smtp_from: str | None = None
    smtp_username: str | None = None
    smtp_password_env: str | None = None
    webhook_url: str | None = None
    language: str = "zh"

    def __post_init__(self) -> None:
        if not 0 < self.smtp_port < 65536:
            raise ValidationError("notify.error.bad_field", field="smtp_port")
        if self.smtp_security not in SECURITY:
            raise ValidationError("notify.error.bad_field", field="smtp_security")
        if self.smtp_host and not self.smtp_from:
            raise ValidationError("notify.error.bad_field", field="smtp_from")
        if self.webhook_url and urlparse(self.webhook_url).scheme not in ("http", "https"):
            raise ValidationError("notify.error.bad_field", field="webhook_url")
        if self.language not in ("zh", "en"):
            raise ValidationError("notify.error.bad_field", field="language")


@dataclass(frozen=True)
class RouteView:
    step: int
    audience: str
    channel: NotifyChannel
    address: str
    user_id: int | None
    active: bool


class NotifyConfig:
    """Managers edit the lower steps of their team, an administrator everything; every change
    goes to the audit chain with what it was before."""

    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def team_id(self, code: str) -> int:
        """The team with ``code`` (how the command line names a team)."""
        with self._deps.session_factory() as s:
            found = s.scalars(select(m.Team.id).where(m.Team.code == code)).one_or_none()
        if found is None:
            raise NotFoundError("notify.error.no_team", team_id=code)
        return found

    def routes(self, actor: Actor, team_id: int) -> list[RouteView]:
        _may_read(actor, team_id)
        ladder = self._deps.policy.ladder
        with self._deps.session_factory() as s:
            return [
                RouteView(
                    r.step,
                    ladder[r.step - 1].audience.value if r.step <= len(ladder) else "",
                    NotifyChannel(r.channel),
                    r.address,
                    r.user_id,
                    r.active,
                )
                for r in _team_routes(s, team_id)
            ]

    def silent_steps(self, actor: Actor, team_id: int) -> list[int]:
        """Ladder steps that reach nobody outside the Safety board: a new team starts with all
        of them, and the last one must not stay so."""
        covered = {v.step for v in self.routes(actor, team_id) if v.active}
        return [n for n in range(1, self._deps.policy.last_step + 1) if n not in covered]

    def set_step(self, actor: Actor, team_id: int, step: int, routes: Sequence[Route]) -> None:
        """Replace the recipients of one ladder step of one team, in one transaction."""
        chosen = check_routes_change(
            actor.role, actor.team_id, team_id, step, routes, self._deps.policy.last_step
        )
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            _team(s, team_id)
            before = [_describe(r) for r in _team_routes(s, team_id) if r.step == step]
            s.execute(
                delete(m.NotifyRoute).where(
                    m.NotifyRoute.team_id == team_id, m.NotifyRoute.step == step
                )
            )
            for route in chosen:
                _check_user(s, route.user_id)
                s.add(
                    m.NotifyRoute(
                        team_id=team_id,
                        step=step,
                        channel=route.channel.value,
                        address=route.address,
                        user_id=route.user_id,
                        active=route.active,
                        updated_at=now,
                    )
                )
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="notify.routes_changed",
                entity_type="team",
                entity_id=team_id,
                before={"step": step, "routes": before},
                after={"step": step, "routes": [_describe_route(r) for r in chosen]},
            )

    def set_channels(self, actor: Actor, team_id: int, settings: ChannelSettings) -> None:
        """The team's SMTP server and gateway URL: administrators only."""
        _admin(actor)
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            _team(s, team_id)
            row = s.get(m.NotifySettings, team_id)
            before = _settings_dict(row) if row is not None else None
            if row is None:
                row = m.NotifySettings(team_id=team_id, updated_at=now)
                s.add(row)
            for name, value in vars(settings).items():
                setattr(row, name, value)
            row.updated_at, row.updated_by = now, actor.user_id
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="notify.channels_changed",
                entity_type="team",
                entity_id=team_id,
                before=before,
                after=_settings_dict(row),
            )

    def new_webhook_secret(self, actor: Actor, team_id: int) -> str:
        """A fresh signing secret, returned once to be entered at the gateway; the audit entry
        records that it changed, never the secret."""
        _admin(actor)
        secret = secrets.token_hex(32)
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            _team(s, team_id)
            row = s.get(m.NotifySettings, team_id)
            if row is None:
                row = m.NotifySettings(team_id=team_id, updated_at=now)
                s.add(row)
            row.webhook_secret, row.updated_at, row.updated_by = secret, now, actor.user_id
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="notify.webhook_secret_rotated",
                entity_type="team",
                entity_id=team_id,
            )
        return secret


def _may_read(actor: Actor, team_id: int) -> None:
    if actor.role == Role.ADMIN or actor.role == Role.SAFETY_LEAD:
        return
    if allows(actor, Permission.WATCH_SAFETY) and actor.team_id == team_id:
        return
    raise PermissionDeniedError("notify.error.not_allowed")


def _admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDeniedError("notify.error.admin_only")


def _team(s: Session, team_id: int) -> m.Team:
    team = s.get(m.Team, team_id)
    if team is None:
        raise NotFoundError("notify.error.no_team", team_id=team_id)
    return team


def _check_user(s: Session, user_id: int | None) -> None:
    if user_id is not None and s.get(m.User, user_id) is None:
        raise ValidationError("notify.error.no_user", user_id=user_id)


def _team_routes(s: Session, team_id: int) -> list[m.NotifyRoute]:
    return list(
        s.scalars(
            select(m.NotifyRoute)
            .where(m.NotifyRoute.team_id == team_id)
            .order_by(m.NotifyRoute.step, m.NotifyRoute.id)
        )
    )


def _describe(row: m.NotifyRoute) -> dict[str, object]:
    return {"channel": row.channel, "address": row.address, "user": row.user_id, "on": row.active}


def _describe_route(route: Route) -> dict[str, object]:
    return {
        "channel": route.channel.value,
        "address": route.address,
        "user": route.user_id,
        "on": route.active,
    }


def _settings_dict(row: m.NotifySettings) -> dict[str, object]:
    names = list(ChannelSettings.__dataclass_fields__)
    data: dict[str, object] = {name: getattr(row, name) for name in names}
    data["webhook_secret_set"] = bool(row.webhook_secret)
    return data
