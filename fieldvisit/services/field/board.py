"""The safety board's data: every live session, SOS and overdue first, and the watcher's pulse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import AlarmKind, AlarmState, Role, SafetySessionState
from fieldvisit.domain.safety_state import ACTIVE_ALARM_STATES, AlarmChain
from fieldvisit.services.field.store import SafetyDeps, load_chains
from fieldvisit.services.records.local_days import viewer_zone
from fieldvisit.storage import models as m

HEARTBEAT_SILENT_AFTER = timedelta(seconds=30)
NOTICE_WINDOW = timedelta(minutes=30)
_ACTIVE = [s.value for s in ACTIVE_ALARM_STATES]


@dataclass(frozen=True)
class BoardAlarm:
    kind: AlarmKind
    step: int
    audience: str
    instructions: str
    silent: bool
    state: AlarmState
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class BoardRow:
    session_id: int
    visit_id: int | None
    crew: str
    members: tuple[str, ...]
    case_number: str | None
    address: str | None
    risk_tier: str
    state: SafetySessionState
    opened_at: datetime
    expected_end: datetime
    elapsed: timedelta
    last_lat: float | None
    last_lon: float | None
    relayed: bool
    alarms: tuple[BoardAlarm, ...]

    @property
    def urgency(self) -> int:
        """0 SOS or duress, 1 overdue alarm, 2 overdue, 3 on time."""
        kinds = {a.kind for a in self.alarms}
        if kinds & {AlarmKind.SOS, AlarmKind.DURESS}:
            return 0
        if kinds:
            return 1
        return 2 if self.state == SafetySessionState.OVERDUE else 3


@dataclass(frozen=True)
class WatcherStatus:
    last_beat: datetime | None
    silent: bool


@dataclass(frozen=True)
class StandDownNotice:
    session_id: int
    alarm: str
    notified: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class BoardSnapshot:
    at: datetime
    rows: tuple[BoardRow, ...]
    watcher: WatcherStatus
    notices: tuple[StandDownNotice, ...]
    # The viewer's team's IANA zone: the board's clock times read as that team lives them. A
    # name, not a ZoneInfo, so the team server can send it; UTC (shown with its offset) only
    # where nothing names one.
    zone: str = "UTC"

    @property
    def alarm_keys(self) -> frozenset[tuple[int, str, int]]:
        """Each raised alarm step; a key new since the last refresh means beep and notify."""
        return frozenset((r.session_id, a.kind.value, a.step) for r in self.rows for a in r.alarms)


class SafetyBoard:
    """Read-only: one short session per refresh, cheap enough to poll every 5 s."""

    def __init__(self, deps: SafetyDeps, silent_after: timedelta = HEARTBEAT_SILENT_AFTER) -> None:
        self._deps = deps
        self._silent_after = silent_after

    def snapshot(self, actor: Actor) -> BoardSnapshot:
        require(actor, Permission.WATCH_SAFETY)
        now = self._deps.clock()
        with self._deps.session_factory() as s:
            rows = [self._row(s, row, now) for row in self._sessions(s, actor)]
            watcher = self._watcher(s, now)
            notices = _notices(s, now)
            zone = viewer_zone(s, actor.team_id).key
        rows.sort(key=lambda r: (r.urgency, r.expected_end))
        return BoardSnapshot(now, tuple(rows), watcher, notices, zone)

    def _sessions(self, s: Session, actor: Actor) -> list[m.SafetySession]:
        alarmed = select(m.Alarm.session_id).where(m.Alarm.state.in_(_ACTIVE))
        query = select(m.SafetySession).where(
            (m.SafetySession.state != SafetySessionState.CLOSED.value)
            | m.SafetySession.id.in_(alarmed)
        )
        if actor.role == Role.MANAGER:
            # A manager watches the crews of their team; the safety lead watches everyone.
            team_crews = select(m.Crew.id).where(m.Crew.team_id == actor.team_id)
            query = query.where(m.SafetySession.crew_id.in_(team_crews))
        return list(s.scalars(query))

    def _row(self, s: Session, row: m.SafetySession, now: datetime) -> BoardRow:
        crew = s.get_one(m.Crew, row.crew_id)
        names = tuple(member.user.display_name for member in crew.members)
        visit = s.get(m.Visit, row.visit_id) if row.visit_id is not None else None
        case = s.get(m.Case, visit.case_id) if visit else None
        address = s.get(m.Address, visit.address_id) if visit else None
        chains = [c for c in load_chains(s, row.id) if c.state in ACTIVE_ALARM_STATES]
        return BoardRow(
            session_id=row.id,
            visit_id=row.visit_id,
            crew=crew.name,
            members=names,
            case_number=case.case_number if case else None,
            address=address.text if address else None,
            risk_tier=row.risk_tier,
            state=SafetySessionState(row.state),
            opened_at=row.opened_at,
            expected_end=row.expected_end,
            elapsed=now - row.opened_at,
            last_lat=row.last_lat,
            last_lon=row.last_lon,
            relayed=row.relayed,
            alarms=tuple(self._alarm(s, c) for c in chains),
        )

    def _alarm(self, s: Session, chain: AlarmChain) -> BoardAlarm:
        step = self._deps.policy.step(min(chain.step, self._deps.policy.last_step))
        owner = s.get(m.User, chain.acknowledged_by) if chain.acknowledged_by else None
        return BoardAlarm(
            chain.kind,
            chain.step,
            step.audience.value,
            step.instructions,
            chain.silent,
            chain.state,
            chain.raised_at,
            owner.display_name if owner else None,
            chain.acknowledged_at,
        )

    def _watcher(self, s: Session, now: datetime) -> WatcherStatus:
        last = s.scalar(
            select(m.WatcherHeartbeat.beat_at).order_by(m.WatcherHeartbeat.beat_at.desc()).limit(1)
        )
        silent = last is None or now - last > self._silent_after
        return WatcherStatus(last, silent)


def _notices(s: Session, now: datetime) -> tuple[StandDownNotice, ...]:
    events = s.scalars(
        select(m.SafetyEvent)
        .where(m.SafetyEvent.kind == "stand_down", m.SafetyEvent.at >= now - NOTICE_WINDOW)
        .order_by(m.SafetyEvent.at.desc())
    )
    return tuple(
        StandDownNotice(
            e.session_id, str(e.detail.get("alarm")), tuple(e.detail.get("notified", [])), e.at
        )
        for e in events
    )
