"""A drill: a test notice to every recipient of a team now, so a broken mail server or gateway
shows up on a quiet afternoon rather than during the first real alarm."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.domain.notify_rules import NotifyChannel
from fieldvisit.services.field.notify import Job, Notifier
from fieldvisit.services.field.notify_channels import AlarmNotice
from fieldvisit.services.field.notify_recipients import (
    Recipient,
    TeamChannels,
    language,
    recipients,
    team_channels,
    team_routes,
)
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class DrillResult:
    step: int
    channel: str
    address: str
    error: str | None  # None: handed over to the server or gateway


class NotifyDrill:
    """Sends outside the ladder and outside the attempts table; the drill itself is audited."""

    def __init__(self, deps: SafetyDeps, notifier: Notifier) -> None:
        self._deps = deps
        self._notifier = notifier

    def run(self, actor: Actor, team_id: int) -> list[DrillResult]:
        manager_of_team = actor.role == Role.MANAGER and actor.team_id == team_id
        if actor.role != Role.ADMIN and not manager_of_team:
            raise PermissionDeniedError("notify.error.not_allowed")
        with self._deps.session_factory() as s:
            team = s.get(m.Team, team_id)
            if team is None:
                raise NotFoundError("notify.error.no_team", team_id=team_id)
            channels = team_channels(s.get(m.NotifySettings, team_id))
            jobs: list[Job] = []
            seen: set[tuple[str, str]] = set()  # one test per recipient, at its lowest step
            for step in range(1, self._deps.policy.last_step + 1):
                for route in recipients(team_routes(s, team_id, step)):
                    if route.key not in seen:
                        seen.add(route.key)
                        jobs.append(self._job(s, team, step, route, channels))
        results = [
            DrillResult(job.notice.step, job.channel.value, job.address, self._notifier.send(job))
            for job in jobs
        ]
        with self._deps.session_factory.begin() as s:
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="notify.drill",
                entity_type="team",
                entity_id=team_id,
                after=[vars(r) for r in results],
            )
        return results

    def _job(
        self, s: Session, team: m.Team, step: int, route: Recipient, channels: TeamChannels
    ) -> Job:
        notice = AlarmNotice(
            target=f"drill:{team.id}",
            kind="drill",
            step=step,
            audience=self._deps.policy.step(step).audience.value,
            team_id=team.id,
            session_id=None,
            crew=None,
            members=(),
            address=None,
            lat=None,
            lon=None,
            raised_at=self._deps.clock(),
            timezone=team.timezone,
            silent=False,
            instructions="notify.drill.instructions",
        )
        lang = language(s, route, channels)
        return Job(notice, NotifyChannel(route.channel), route.address, 1, lang, channels)
