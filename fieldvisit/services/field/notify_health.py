"""Watcher health: a watcher silent for 60 s alarms the safety lead, once per outage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.errors import ConflictError, NotFoundError
from fieldvisit.services.field.store import SafetyDeps, insert_ignore
from fieldvisit.storage import models as m

STALE_AFTER = timedelta(seconds=60)
# The outage of "no watcher at all": one row per silence, keyed like a watcher's own outage.
NO_WATCHER = "*"
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class WatcherOutage:
    id: int
    watcher_id: str
    last_beat_at: datetime
    raised_at: datetime
    recovered_at: datetime | None
    acknowledged_at: datetime | None


class WatcherHealth:
    """Each watcher pass checks the others; ``fieldvisit safety health`` checks from outside
    (cron on another machine) for the case where the only watcher is the one that died."""

    def __init__(self, deps: SafetyDeps, stale_after: timedelta = STALE_AFTER) -> None:
        self._deps = deps
        self._stale_after = stale_after

    def check(self, checked_by: str) -> list[int]:
        """Raise an alarm for every watcher (other than ``checked_by``) silent too long, and
        mark an outage over when its watcher beats again; the ids of the alarms raised now."""
        now = self._deps.clock()
        raised: list[int] = []
        with self._deps.session_factory.begin() as s:
            beats = {b.watcher_id: b for b in s.scalars(select(m.WatcherHeartbeat))}
            for beat in beats.values():
                if beat.watcher_id == checked_by or now - beat.beat_at <= self._stale_after:
                    continue
                values = {
                    "watcher_id": beat.watcher_id,
                    "last_beat_at": beat.beat_at,
                    "raised_at": now,
                    "raised_by": checked_by[:64],
                }
                if insert_ignore(s, m.WatcherAlarm, values):
                    row = s.scalars(
                        select(m.WatcherAlarm).where(
                            m.WatcherAlarm.watcher_id == beat.watcher_id,
                            m.WatcherAlarm.last_beat_at == beat.beat_at,
                        )
                    ).one()
                    raised.append(row.id)
                    self._audit(s, "safety.watcher_silent", row, beat.host)
            for row in s.scalars(
                select(m.WatcherAlarm).where(m.WatcherAlarm.recovered_at.is_(None))
            ):
                beat_now = beats.get(row.watcher_id)
                if beat_now is not None and beat_now.beat_at > row.last_beat_at:
                    row.recovered_at = now
                    self._audit(s, "safety.watcher_recovered", row, beat_now.host)
        return raised

    def silent(self, since: datetime | None = None) -> bool:
        """Whether no watcher at all has beaten within ``stale_after`` (read only); with no beat
        ever, counted from ``since`` (a server's start: its own watcher needs a moment)."""
        with self._deps.session_factory() as s:
            return self._silent(s, self._deps.clock(), since)

    def note_silence(self, checked_by: str, since: datetime | None = None) -> bool:
        """``silent(since)``, and the outage of every watcher recorded and audited once
        (whichever server notices first), and its end when a watcher beats again."""
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            last = self._last_beat(s)
            if self._silent(s, now, since):
                values = {
                    "watcher_id": NO_WATCHER,
                    "last_beat_at": last or NEVER,
                    "raised_at": now,
                    "raised_by": checked_by[:64],
                }
                if insert_ignore(s, m.WatcherAlarm, values):
                    self._audit_all(s, "safety.watchers_silent", last, checked_by)
                return True
            ended = select(m.WatcherAlarm).where(
                m.WatcherAlarm.watcher_id == NO_WATCHER, m.WatcherAlarm.recovered_at.is_(None)
            )
            for row in s.scalars(ended):
                row.recovered_at = now
                self._audit_all(s, "safety.watchers_back", last, checked_by)
            return False

    def _silent(self, s: Session, now: datetime, since: datetime | None) -> bool:
        last = self._last_beat(s) or since
        return last is None or now - last > self._stale_after

    @staticmethod
    def _last_beat(s: Session) -> datetime | None:
        newest = select(m.WatcherHeartbeat.beat_at).order_by(m.WatcherHeartbeat.beat_at.desc())
        return s.scalar(newest.limit(1))

    def _audit_all(self, s: Session, action: str, last: datetime | None, by: str) -> None:
        self._deps.audit.record(
            s,
            actor_id=None,
            action=action,
            entity_type="watcher",
            entity_id=NO_WATCHER,
            after={"last_beat_at": None if last is None else last.isoformat(), "noticed_by": by},
        )

    def _audit(self, s: Session, action: str, row: m.WatcherAlarm, host: str) -> None:
        self._deps.audit.record(
            s,
            actor_id=None,
            action=action,
            entity_type="watcher",
            entity_id=row.watcher_id,
            after={"last_beat_at": row.last_beat_at.isoformat(), "host": host},
        )

    def outages(self, actor: Actor) -> list[WatcherOutage]:
        """Outages nobody has acknowledged yet, newest first."""
        require(actor, Permission.WATCH_SAFETY)
        with self._deps.session_factory() as s:
            rows = s.scalars(
                select(m.WatcherAlarm)
                .where(m.WatcherAlarm.acknowledged_at.is_(None))
                .order_by(m.WatcherAlarm.raised_at.desc())
            )
            return [
                WatcherOutage(r.id, r.watcher_id, r.last_beat_at, r.raised_at, r.recovered_at, None)
                for r in rows
            ]

    def acknowledge(self, actor: Actor, outage_id: int) -> None:
        """The safety lead (or a manager) has seen it: deliveries about it stop."""
        require(actor, Permission.ACKNOWLEDGE_ALARM)
        now = self._deps.clock()
        with self._deps.session_factory.begin() as s:
            row = s.get(m.WatcherAlarm, outage_id)
            if row is None:
                raise NotFoundError("notify.error.no_outage", id=outage_id)
            if row.acknowledged_at is not None:
                raise ConflictError(
                    "safety.error.already_acknowledged", user_id=row.acknowledged_by
                )
            row.acknowledged_by, row.acknowledged_at = actor.user_id, now
            self._deps.audit.record(
                s,
                actor_id=actor.user_id,
                action="safety.watcher_acknowledged",
                entity_type="watcher",
                entity_id=row.watcher_id,
            )


def retire(deps: SafetyDeps, watcher_id: str) -> None:
    """A watcher stopped on purpose removes its beat, so a clean shutdown pages nobody; a crash
    leaves the beat behind to go stale, which is exactly what must page someone."""
    with deps.session_factory.begin() as s:
        s.execute(delete(m.WatcherHeartbeat).where(m.WatcherHeartbeat.watcher_id == watcher_id))
        deps.audit.record(
            s, actor_id=None, action="safety.watcher_stopped", entity_type="watcher",
            entity_id=watcher_id,
        )  # fmt: skip
