"""Read-only views of saved rounds for the screens: crews to plan for, a round's exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, may_see_team, may_work_for_crew
from fieldvisit.domain.compliance import Source
from fieldvisit.domain.enums import RoundStatus, StopApproval
from fieldvisit.domain.messages import Message
from fieldvisit.services.planning.loading import CrewInfo
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class CrewChoice:
    crew_id: int
    name: str
    team_name: str
    base: tuple[float, float] | None


@dataclass(frozen=True)
class StopException:
    """One rule a saved stop breaks, as stored in ``round_stops.checks`` at planning time."""

    rule: str
    severity: str
    message: Message
    source: Source


@dataclass(frozen=True)
class StopDetail:
    seq: int
    case_id: int
    case_number: str
    start: datetime | None
    end: datetime | None
    status: str  # eligible | needs_approval | blocked
    pinned: bool
    exceptions: tuple[StopException, ...]
    lat: float | None = None
    lon: float | None = None
    approval: str = StopApproval.NONE.value  # none | pending | approved | rejected


@dataclass(frozen=True)
class DecisionLine:
    decision: str
    decided_by: str
    decided_at: datetime
    reason: str
    round_version: int


@dataclass(frozen=True)
class RoundDetail:
    round_id: int
    crew_id: int
    crew_name: str
    timezone: str
    plan_date: date
    status: RoundStatus
    version: int
    rule_profile: str
    ruleset_version: str
    ruleset_hash: str
    travel_seconds: int
    stops: tuple[StopDetail, ...]
    decisions: tuple[DecisionLine, ...]
    base: tuple[float, float] | None = None  # where the crew's day starts and ends

    @property
    def exceptions(self) -> tuple[StopDetail, ...]:
        """The stops that need a manager's approval."""
        return tuple(s for s in self.stops if any(e.severity == "approve" for e in s.exceptions))


def crew_choices(s: Session, actor: Actor) -> list[CrewChoice]:
    """Active crews the actor may plan for: collectors their own, others their team's (or all)."""
    rows = s.execute(
        select(m.Crew, m.Team.name)
        .join(m.Team, m.Team.id == m.Crew.team_id)
        .where(m.Crew.active)
        .order_by(m.Team.name, m.Crew.name)
    ).all()
    out = []
    for crew, team_name in rows:
        if not (may_work_for_crew(actor, crew.id) and may_see_team(actor, crew.team_id)):
            continue
        base = None
        if crew.base_lat is not None and crew.base_lon is not None:
            base = (crew.base_lat, crew.base_lon)
        out.append(CrewChoice(crew.id, crew.name, team_name, base))
    return out


def round_detail(s: Session, saved: m.Round, crew: CrewInfo) -> RoundDetail:
    stops = _stops(s, saved)
    return RoundDetail(
        saved.id,
        saved.crew_id,
        crew.name,
        crew.timezone,
        saved.plan_date,
        RoundStatus(saved.status),
        saved.version,
        saved.rule_profile,
        saved.ruleset_version,
        saved.ruleset_hash,
        saved.travel_seconds or 0,
        stops,
        _decisions(s, saved.id),
        crew.base,
    )


def _stops(s: Session, saved: m.Round) -> tuple[StopDetail, ...]:
    numbers = dict(
        s.execute(
            select(m.Case.id, m.Case.case_number).where(
                m.Case.id.in_([stop.case_id for stop in saved.stops])
            )
        ).all()
    )
    places = {
        row.id: (row.lat, row.lon)
        for row in s.execute(
            select(m.Address.id, m.Address.lat, m.Address.lon).where(
                m.Address.id.in_([stop.address_id for stop in saved.stops])
            )
        )
    }
    return tuple(
        StopDetail(
            stop.seq,
            stop.case_id,
            numbers.get(stop.case_id, str(stop.case_id)),
            stop.planned_start,
            stop.planned_end,
            str(stop.checks.get("status", "eligible")),
            stop.pinned,
            tuple(_exception(v) for v in stop.checks.get("violations", [])),
            *places.get(stop.address_id, (None, None)),
            stop.approval,
        )
        for stop in saved.stops
    )


def _exception(stored: dict[str, object]) -> StopException:
    source = stored.get("source")
    zh = en = ""
    if isinstance(source, dict):
        zh, en = str(source.get("zh", "")), str(source.get("en", ""))
    params = stored.get("params")
    return StopException(
        str(stored.get("rule", "")),
        str(stored.get("severity", "")),
        Message(str(stored.get("message", "")), dict(params) if isinstance(params, dict) else {}),
        Source(zh, en),
    )


def _decisions(s: Session, round_id: int) -> tuple[DecisionLine, ...]:
    rows = s.execute(
        select(m.Approval, m.User.display_name)
        .join(m.User, m.User.id == m.Approval.decided_by)
        .where(m.Approval.round_id == round_id)
        .order_by(m.Approval.id)
    ).all()
    return tuple(
        DecisionLine(a.decision, name, a.decided_at, a.reason, a.round_version) for a, name in rows
    )
