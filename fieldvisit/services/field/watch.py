"""The watcher: drives every open safety session's timers from the database, and beats.

Run it headless next to the database (``fieldvisit safety watch``) or inside the desktop app in
single-machine mode; two watchers on one database never raise anything twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldvisit.domain.enums import AlarmState, SafetySessionState
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.safety_machine import next_due, sweep, tick
from fieldvisit.domain.safety_state import AlarmRaised, SafetyState, Transition
from fieldvisit.services.field.effects import transact
from fieldvisit.services.field.notify_health import retire
from fieldvisit.services.field.promises import review_promises
from fieldvisit.services.field.store import SafetyDeps, load_state
from fieldvisit.storage import models as m

# Run after each pass, once its transactions have committed (escalation delivery, watcher
# health): a hook that fails is logged and never undoes or blocks an alarm.
PassHook = Callable[[str], object]
DEFAULT_INTERVAL = 5.0
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaisedAlarm:
    session_id: int
    alarm: AlarmRaised
    team_id: int | None = None  # the crew's team: whose managers are told (server events)


@dataclass(frozen=True)
class _Pending:
    """An open session (or one whose alarm still climbs): its clock and its crew's team."""

    session_id: int
    zone: str
    team_id: int


@dataclass(frozen=True)
class WatchReport:
    at: datetime
    sessions: int
    raised: tuple[RaisedAlarm, ...]
    reminders: int
    next_due: datetime | None = None  # the earliest timer of the sessions it saw


def default_watcher_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class SafetyWatcher:
    """One pass at a time: ``run_once`` from a timer, or ``run_forever`` on a thread."""

    def __init__(
        self,
        deps: SafetyDeps,
        watcher_id: str | None = None,
        after_pass: Sequence[PassHook] = (),
    ) -> None:
        self._deps = deps
        self._after_pass = tuple(after_pass)
        self.watcher_id = watcher_id or default_watcher_id()
        self._started_at = deps.clock()
        self._promises_reviewed: date | None = None

    def run_once(self) -> WatchReport:
        now = self._deps.clock()
        self._beat(now)
        raised: list[RaisedAlarm] = []
        reminders = 0
        pending = self._pending()
        acting, due = self._due_now(pending, now)
        for one in acting:
            try:
                state, applied = transact(
                    self._deps, one.session_id, None, self._step(now, ZoneInfo(one.zone))
                )
            except FieldVisitError as exc:  # changed under our feet: next pass sees it fresh
                _log.info("session %s skipped this pass: %s", one.session_id, exc)
                continue
            raised.extend(
                RaisedAlarm(one.session_id, alarm, one.team_id) for alarm in applied.raised
            )
            reminders += applied.reminders
            session_due = next_due(state, self._deps.policy, now)
            if session_due is not None:
                due.append(session_due)
        self._review_promises(now)
        for hook in self._after_pass:
            try:
                hook(self.watcher_id)
            except Exception:  # the alarms are stored; the next pass tries again
                _log.exception("after-pass hook %r failed", hook)
        return WatchReport(now, len(pending), tuple(raised), reminders, min(due, default=None))

    def run_forever(self, stop: threading.Event, interval: float = DEFAULT_INTERVAL) -> None:
        """Until ``stop`` is set; a database that is briefly unreachable is retried, not fatal."""
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the watcher must outlive a dropped connection
                _log.exception("safety watch pass failed; retrying in %s s", interval)
            stop.wait(interval)
        self.retire()

    def retire(self) -> None:
        """Stopped on purpose: remove the beat so watcher health pages nobody for it."""
        retire(self._deps, self.watcher_id)

    def _step(self, now: datetime, zone: ZoneInfo) -> Callable[[SafetyState], Transition]:
        policy = self._deps.policy

        def step(state: SafetyState) -> Transition:
            state, effects = tick(state, policy, now)
            if _end_of_day_passed(state, now, zone, policy.end_of_day):
                state, swept = sweep(state, policy, now)
                effects = (*effects, *swept)
            return state, effects

        return step

    def _due_now(
        self, pending: list[_Pending], now: datetime
    ) -> tuple[list[_Pending], list[datetime]]:
        """The sessions a step is due for now, and when the others fall due.

        Read without locks in one session, so a pass over many quiet sessions costs reads, not
        a locking transaction each; a session changed since is re-read by ``transact``.
        """
        acting: list[_Pending] = []
        later: list[datetime] = []
        policy = self._deps.policy
        with self._deps.session_factory() as s:
            for one in pending:
                state = load_state(s, s.get_one(m.SafetySession, one.session_id))
                due = next_due(state, policy, now)
                sweep_due = not state.closed and not any(a.active for a in state.alarms)
                zone = ZoneInfo(one.zone)
                if (due is not None and due <= now) or (
                    sweep_due and _end_of_day_passed(state, now, zone, policy.end_of_day)
                ):
                    acting.append(one)
                elif due is not None:
                    later.append(due)
        return acting, later

    def _pending(self) -> list[_Pending]:
        """Open sessions, and closed ones whose (duress) alarm still has to climb."""
        with self._deps.session_factory() as s:
            open_alarm = select(m.Alarm.session_id).where(m.Alarm.state == AlarmState.OPEN.value)
            # A visit's session runs on the address's clock; one without a visit, the crew's team's.
            rows = s.execute(
                select(
                    m.SafetySession.id,
                    func.coalesce(m.Address.timezone, m.Team.timezone),
                    m.Crew.team_id,
                )
                .join(m.Crew, m.Crew.id == m.SafetySession.crew_id)
                .join(m.Team, m.Team.id == m.Crew.team_id)
                .outerjoin(m.Visit, m.Visit.id == m.SafetySession.visit_id)
                .outerjoin(m.Address, m.Address.id == m.Visit.address_id)
                .where(
                    (m.SafetySession.state != SafetySessionState.CLOSED.value)
                    | m.SafetySession.id.in_(open_alarm)
                )
                .order_by(m.SafetySession.id)
            ).all()
        return [_Pending(session, str(zone), team) for session, zone, team in rows]

    def _beat(self, now: datetime) -> None:
        with self._deps.session_factory.begin() as s:
            _write_beat(s, self.watcher_id, now, self._started_at)

    def _review_promises(self, now: datetime) -> None:
        with self._deps.session_factory() as s:
            zones = set(s.scalars(select(m.Team.timezone).distinct()))
        if not zones:
            return  # no team yet, so no promise either
        # The date of the team furthest behind: no promise is judged before its own day is over.
        today = min(now.astimezone(ZoneInfo(zone)).date() for zone in zones)
        if self._promises_reviewed != today:
            review_promises(self._deps, today)
            self._promises_reviewed = today


def _end_of_day_passed(state: SafetyState, now: datetime, zone: ZoneInfo, end: time) -> bool:
    """Past the end of the working day the session was opened on (a session opened later than
    that belongs to the next day's sweep)."""
    opened = state.opened_at.astimezone(zone)
    day_end = datetime.combine(opened.date(), end, zone)
    if opened >= day_end:
        day_end += timedelta(days=1)
    return now >= day_end


def _write_beat(s: Session, watcher_id: str, now: datetime, started_at: datetime) -> None:
    row = s.get(m.WatcherHeartbeat, watcher_id)
    if row is None:
        host = socket.gethostname()[:128]
        s.add(
            m.WatcherHeartbeat(watcher_id=watcher_id, host=host, beat_at=now, started_at=started_at)
        )
    else:
        row.beat_at = now
