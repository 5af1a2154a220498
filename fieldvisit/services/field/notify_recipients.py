"""Who a notice goes to and through which of the team's servers: routes, settings, language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.safety_policy import Audience
from fieldvisit.services.field.notify_channels import DeliveryError, SmtpSettings
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    user_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.channel, self.address


@dataclass(frozen=True)
class TeamChannels:
    """A team's channel settings as plain values, safe to hand to the sending threads."""

    smtp: SmtpSettings | None
    webhook: tuple[str, str] | None  # url, secret
    language: str = "zh"


def recipients(routes: Sequence[m.NotifyRoute]) -> list[Recipient]:
    return [Recipient(r.channel, r.address, r.user_id) for r in routes]


def team_routes(s: Session, team_id: int, step: int) -> list[m.NotifyRoute]:
    return list(
        s.scalars(
            select(m.NotifyRoute)
            .where(
                m.NotifyRoute.team_id == team_id,
                m.NotifyRoute.step == step,
                m.NotifyRoute.active.is_(True),
            )
            .order_by(m.NotifyRoute.id)
        )
    )


def language(s: Session, route: Recipient, channels: TeamChannels) -> str:
    user = s.get(m.User, route.user_id) if route.user_id is not None else None
    if user is not None and user.language in ("zh", "en"):
        return user.language
    return channels.language


def lead_step(deps: SafetyDeps) -> int:
    """The ladder step that alerts the safety lead: who hears that a watcher went silent."""
    for number, step in enumerate(deps.policy.ladder, start=1):
        if step.audience == Audience.SAFETY_LEAD:
            return number
    return deps.policy.last_step


def team_channels(row: m.NotifySettings | None) -> TeamChannels:
    if row is None:
        return TeamChannels(None, None)
    smtp = None
    if row.smtp_host and row.smtp_from:
        smtp = SmtpSettings(
            row.smtp_host,
            row.smtp_port,
            row.smtp_security,
            row.smtp_from,
            row.smtp_username,
            row.smtp_password_env,
        )
    webhook = (
        (row.webhook_url, row.webhook_secret) if row.webhook_url and row.webhook_secret else None
    )
    return TeamChannels(smtp, webhook, row.language)


def smtp(channels: TeamChannels) -> SmtpSettings:
    if channels.smtp is None:
        raise DeliveryError("no SMTP server configured for this team")
    return channels.smtp


def webhook(channels: TeamChannels) -> tuple[str, str]:
    if channels.webhook is None:
        raise DeliveryError("no webhook configured for this team")
    return channels.webhook
