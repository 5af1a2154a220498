"""The safety board's data: every live session, SOS and overdue first, and the watcher's pulse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import AlarmKind, AlarmState, Role, SafetySessionState
from fieldvisit.domain.safety_state import ACTIVE_ALARM_STATES, AlarmChain
from fieldvisit.services.field.store import SafetyDeps, chains_of
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
            sessions = self._sessions(s, actor)
            chains = chains_of(s, [row.id for row in sessions])
            places, crews = _places(s, sessions), _crews(s, sessions)
            owners = _names(s, {c.acknowledged_by for cs in chains.values() for c in cs})
            rows = [
                self._row(
                    row, now, crews[row.crew_id], places.get(row.id), chains.get(row.id, ()), owners
                )
                for row in sessions
            ]
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

    def _row(
        self,
        row: m.SafetySession,
        now: datetime,
        crew: m.Crew,
        place: tuple[str, str | None] | None,
        chains: tuple[AlarmChain, ...],
        owners: dict[int, str],
    ) -> BoardRow:
        return BoardRow(
            session_id=row.id,
            visit_id=row.visit_id,
            crew=crew.name,
            members=tuple(member.user.display_name for member in crew.members),
            case_number=place[0] if place else None,
            address=place[1] if place else None,
            risk_tier=row.risk_tier,
            state=SafetySessionState(row.state),
            opened_at=row.opened_at,
            expected_end=row.expected_end,
            elapsed=now - row.opened_at,
            last_lat=row.last_lat,
            last_lon=row.last_lon,
            relayed=row.relayed,
            alarms=tuple(self._alarm(c, owners) for c in chains if c.state in ACTIVE_ALARM_STATES),
        )

    def _alarm(self, chain: AlarmChain, owners: dict[int, str]) -> BoardAlarm:
        step = self._deps.policy.step(min(chain.step, self._deps.policy.last_step))
        return BoardAlarm(
            chain.kind,
            chain.step,
            step.audience.value,
            step.instructions,
            chain.silent,
            chain.state,
            chain.raised_at,
            owners.get(chain.acknowledged_by) if chain.acknowledged_by else None,
            chain.acknowledged_at,
        )

    def _watcher(self, s: Session, now: datetime) -> WatcherStatus:
        last = s.scalar(
            select(m.WatcherHeartbeat.beat_at).order_by(m.WatcherHeartbeat.beat_at.desc()).limit(1)
        )
        silent = last is None or now - last > self._silent_after
        return WatcherStatus(last, silent)


def _places(s: Session, sessions: list[m.SafetySession]) -> dict[int, tuple[str, str | None]]:
    """Each visiting session's case number and address, in one query."""
    visit_ids = [row.visit_id for row in sessions if row.visit_id is not None]
    found = s.execute(
        select(m.Visit.id, m.Case.case_number, m.Address.text)
        .join(m.Case, m.Case.id == m.Visit.case_id)
        .outerjoin(m.Address, m.Address.id == m.Visit.address_id)
        .where(m.Visit.id.in_(visit_ids))
    )
    by_visit = {visit_id: (number, address) for visit_id, number, address in found}
    return {row.id: by_visit[row.visit_id] for row in sessions if row.visit_id in by_visit}


def _crews(s: Session, sessions: list[m.SafetySession]) -> dict[int, m.Crew]:
    """The sessions' crews with their members' users loaded (not one query a member)."""
    crews = s.scalars(
        select(m.Crew)
        .where(m.Crew.id.in_({row.crew_id for row in sessions}))
        .options(selectinload(m.Crew.members).selectinload(m.CrewMember.user))
    )
    return {crew.id: crew for crew in crews}


def _names(s: Session, user_ids: set[int | None]) -> dict[int, str]:
    wanted = [user_id for user_id in user_ids if user_id is not None]
    found = s.execute(select(m.User.id, m.User.display_name).where(m.User.id.in_(wanted)))
    return {row.id: row.display_name for row in found}


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
