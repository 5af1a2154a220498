"""Delivers raised alarm steps to people, after the alarm is committed, and records every try.

Driven by each watcher pass (``SafetyWatcher(after_pass=...)``): the work is read from the
database (open alarm steps × the team's routes − what was already delivered), so a watcher that
died mid-send, a second watcher, or an SMTP server that was down an hour ago all end in the same
place: every recipient told once, every attempt on record, the alarm itself never touched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldvisit.domain.enums import AlarmState
from fieldvisit.domain.notify_retry import RetryPolicy
from fieldvisit.domain.notify_rules import NotifyChannel
from fieldvisit.services.field.notify_channels import (
    AlarmNotice,
    DeliveryError,
    PushHub,
    post_webhook,
    send_email,
)
from fieldvisit.services.field.notify_content import alarm_notice, body, subject, watcher_notice
from fieldvisit.services.field.notify_recipients import (
    Recipient,
    TeamChannels,
    language,
    lead_step,
    recipients,
    smtp,
    team_channels,
    team_routes,
    webhook,
)
from fieldvisit.services.field.store import SafetyDeps, insert_ignore
from fieldvisit.storage import models as m

_log = logging.getLogger(__name__)
DONE = frozenset({"sent", "no_listener", "gave_up"})
STAND_DOWN_WITHIN = timedelta(hours=12)  # older cancellations are not announced any more
MAX_PARALLEL = 4  # one slow SMTP server must not hold up the webhook to the SMS gateway


@dataclass(frozen=True)
class Job:
    """One attempt to reach one recipient about one alarm step."""

    notice: AlarmNotice
    channel: NotifyChannel
    address: str
    attempt: int
    lang: str
    channels: TeamChannels
    alarm_id: int | None = None
    watcher_alarm_id: int | None = None
    abandoned: int | None = None  # an earlier attempt whose watcher never reported back

    @property
    def delivery_id(self) -> str:
        """Stable across retries, so the gateway can drop a duplicate it already handled."""
        key = f"fieldvisit:{self.notice.target}:{self.channel.value}:{self.address}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)


class Notifier:
    """One ``run`` per watcher pass; sends happen outside every database transaction."""

    def __init__(self, deps: SafetyDeps, hub: PushHub, retry: RetryPolicy | None = None) -> None:
        self._deps = deps
        self.hub = hub
        self.retry = retry or RetryPolicy()

    def run(self, watcher_id: str | None = None) -> DeliveryReport:
        now = self._deps.clock()
        with self._deps.session_factory() as s:
            jobs = [
                *self._alarm_jobs(s, now),
                *self._stand_down_jobs(s, now),
                *self._watcher_jobs(s, now),
            ]
        claimed = [job for job in jobs if self._claim(job, now, watcher_id)]
        if not claimed:
            return DeliveryReport()
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(claimed))) as pool:
            errors = list(pool.map(self.send, claimed))
        for job, error in zip(claimed, errors, strict=True):
            self._finish(job, error)
        failures = tuple(e for e in errors if e is not None and e != "no_listener")
        return DeliveryReport(len(claimed) - len(failures), len(failures), failures)

    # -- what is due -------------------------------------------------------------------------

    def _alarm_jobs(self, s: Session, now: datetime) -> list[Job]:
        alarms = list(
            s.scalars(
                select(m.Alarm).where(
                    m.Alarm.state == AlarmState.OPEN.value, m.Alarm.session_id.is_not(None)
                )
            )
        )
        jobs: list[Job] = []
        for alarm in alarms:
            notice = self._notice(s, alarm)
            if notice is None or notice.team_id is None:
                continue
            routes = recipients(team_routes(s, notice.team_id, notice.step))
            channels = team_channels(s.get(m.NotifySettings, notice.team_id))
            jobs.extend(self._due(s, notice, routes, channels, now, alarm_id=alarm.id))
        return jobs

    def _stand_down_jobs(self, s: Session, now: datetime) -> list[Job]:
        """An alarm called off (false alarm, crew back late): everyone it reached is told,
        by the channel that reached them."""
        alarms = s.scalars(
            select(m.Alarm).where(
                m.Alarm.state == AlarmState.CANCELLED.value,
                m.Alarm.resolved_at >= now - STAND_DOWN_WITHIN,
                m.Alarm.session_id.is_not(None),
            )
        )
        jobs: list[Job] = []
        for alarm in alarms:
            reached = s.execute(
                select(m.DeliveryAttempt.channel, m.DeliveryAttempt.address)
                .where(
                    m.DeliveryAttempt.alarm_id == alarm.id,
                    m.DeliveryAttempt.outcome == "sent",
                    m.DeliveryAttempt.target == f"alarm:{alarm.id}",
                )
                .distinct()
            ).all()
            if not reached:
                continue
            found = self._notice(s, alarm)
            if found is None:
                continue
            notice = replace(found, target=f"standdown:{alarm.id}", stand_down=True)
            channels = team_channels(s.get(m.NotifySettings, notice.team_id))
            told = [Recipient(channel, address) for channel, address in reached]
            jobs.extend(self._due(s, notice, told, channels, now, alarm_id=alarm.id))
        return jobs

    def _notice(self, s: Session, alarm: m.Alarm) -> AlarmNotice | None:
        """One alarm that cannot be described (a row left half-made) must not hold up the rest."""
        try:
            return alarm_notice(s, alarm, self._deps.policy)
        except Exception:
            _log.exception("alarm %s cannot be described; not delivered", alarm.id)
            return None

    def _watcher_jobs(self, s: Session, now: datetime) -> list[Job]:
        rows = list(
            s.scalars(select(m.WatcherAlarm).where(m.WatcherAlarm.acknowledged_at.is_(None)))
        )
        if not rows:
            return []
        step = lead_step(self._deps)
        jobs: list[Job] = []
        for row in rows:
            seen: set[tuple[str, str]] = set()
            for team in s.scalars(select(m.Team).order_by(m.Team.id)):
                routes = [r for r in recipients(team_routes(s, team.id, step)) if r.key not in seen]
                seen.update(r.key for r in routes)
                notice = watcher_notice(row, step, team.timezone)
                channels = team_channels(s.get(m.NotifySettings, team.id))
                jobs.extend(self._due(s, notice, routes, channels, now, watcher_alarm_id=row.id))
        return jobs

    def _due(
        self,
        s: Session,
        notice: AlarmNotice,
        routes: Sequence[Recipient],
        channels: TeamChannels,
        now: datetime,
        *,
        alarm_id: int | None = None,
        watcher_alarm_id: int | None = None,
    ) -> list[Job]:
        jobs: list[Job] = []
        for route in routes:
            last = _last_attempt(s, notice.target, route.channel, route.address)
            attempt, abandoned = 1, None
            if last is not None:
                if last.outcome in DONE:
                    continue
                if last.outcome == "sending":
                    if now < last.at + self.retry.claim_timeout:
                        continue  # another watcher is sending it right now
                    abandoned = last.id
                elif last.next_attempt_at is None or now < last.next_attempt_at:
                    continue
                attempt = last.attempt + 1
            lang = language(s, route, channels)
            channel = NotifyChannel(route.channel)
            jobs.append(
                Job(
                    notice,
                    channel,
                    route.address,
                    attempt,
                    lang,
                    channels,
                    alarm_id=alarm_id,
                    watcher_alarm_id=watcher_alarm_id,
                    abandoned=abandoned,
                )
            )
        return jobs

    # -- claim, send, record -----------------------------------------------------------------

    def _claim(self, job: Job, now: datetime, watcher_id: str | None) -> bool:
        """The unique (target, channel, address, attempt) lets exactly one watcher send it."""
        with self._deps.session_factory.begin() as s:
            if job.abandoned is not None:
                s.execute(
                    update(m.DeliveryAttempt)
                    .where(m.DeliveryAttempt.id == job.abandoned)
                    .values(outcome="failed", error="no report from the sending watcher")
                )
            return insert_ignore(
                s,
                m.DeliveryAttempt,
                {
                    "target": job.notice.target,
                    "alarm_id": job.alarm_id,
                    "watcher_alarm_id": job.watcher_alarm_id,
                    "channel": job.channel.value,
                    "address": job.address,
                    "attempt": job.attempt,
                    "at": now,
                    "outcome": "sending",
                    "watcher_id": watcher_id,
                },
            )

    def send(self, job: Job) -> str | None:
        """None when handed over; otherwise what went wrong (never raises)."""
        try:
            if job.channel == NotifyChannel.PUSH:
                return None if self.hub.publish(job.notice, job.address) else "no_listener"
            if job.channel == NotifyChannel.EMAIL:
                send_email(
                    smtp(job.channels),
                    job.address,
                    subject(job.notice, job.lang),
                    body(job.notice, job.lang),
                    job.delivery_id,
                    self._deps.clock(),
                )
            else:
                url, secret = webhook(job.channels)
                payload = {
                    **job.notice.as_json(),
                    "recipient": job.address,
                    "text": body(job.notice, job.lang),
                    "attempt": job.attempt,
                }
                post_webhook(url, secret, payload, job.delivery_id, self._deps.clock())
        except DeliveryError as exc:
            return str(exc)[:500] or type(exc).__name__
        except Exception as exc:  # a bug in one channel must not stop the others
            _log.exception("delivery %s failed unexpectedly", job.delivery_id)
            return f"{type(exc).__name__}: {exc}"[:500]
        return None

    def _finish(self, job: Job, error: str | None) -> None:
        now = self._deps.clock()
        if error is None or error == "no_listener":
            values = {"outcome": error or "sent", "finished_at": now}
        else:
            retry_at = self.retry.next_at(job.attempt, now)
            outcome = "failed" if retry_at is not None else "gave_up"
            values = {"outcome": outcome, "error": error, "finished_at": now}
            values["next_attempt_at"] = retry_at
        with self._deps.session_factory.begin() as s:
            s.execute(
                update(m.DeliveryAttempt)
                .where(
                    m.DeliveryAttempt.target == job.notice.target,
                    m.DeliveryAttempt.channel == job.channel.value,
                    m.DeliveryAttempt.address == job.address,
                    m.DeliveryAttempt.attempt == job.attempt,
                )
                .values(**values)
            )
            if values["outcome"] in ("sent", "gave_up"):
                self._deps.audit.record(
                    s,
                    actor_id=None,
                    action=f"notify.{values['outcome']}",
                    entity_type="alarm" if job.alarm_id else "watcher_alarm",
                    entity_id=job.alarm_id or job.watcher_alarm_id,
                    after={
                        "channel": job.channel.value,
                        "address": job.address,
                        "attempt": job.attempt,
                        "step": job.notice.step,
                        "error": error,
                    },
                )


def _last_attempt(s: Session, target: str, channel: str, address: str) -> m.DeliveryAttempt | None:
    return s.scalars(
        select(m.DeliveryAttempt)
        .where(
            m.DeliveryAttempt.target == target,
            m.DeliveryAttempt.channel == channel,
            m.DeliveryAttempt.address == address,
        )
        .order_by(m.DeliveryAttempt.attempt.desc())
        .limit(1)
    ).first()
