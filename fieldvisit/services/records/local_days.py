"""Days as each team lives them: a date range becomes UTC bounds in every team's own zone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from fieldvisit.storage import models as m


def team_zones(session: Session) -> dict[int, ZoneInfo]:
    """Every team's IANA zone (the zone its reports, records and boards count days in)."""
    return {
        team_id: ZoneInfo(zone)
        for team_id, zone in session.execute(select(m.Team.id, m.Team.timezone))
    }


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight of ``day`` in ``zone``, in UTC (DST-aware)."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def within_local_days(
    at: InstrumentedAttribute[Any],
    team: InstrumentedAttribute[Any],
    zones: Mapping[int, ZoneInfo],
    start: date | None,
    end: date | None,
) -> ColumnElement[bool]:
    """``at`` lies on ``start``..``end`` (inclusive, either open) in the zone of the row's ``team``.

    Teams are grouped by zone, so the clause has one branch per zone in use, not per team.
    """
    by_zone: dict[str, list[int]] = defaultdict(list)
    for team_id, zone in zones.items():
        by_zone[zone.key].append(team_id)
    branches = []
    for key, ids in sorted(by_zone.items()):
        zone = ZoneInfo(key)
        parts: list[ColumnElement[bool]] = [team.in_(sorted(ids))]
        if start is not None:
            parts.append(at >= day_start(start, zone))
        if end is not None:
            parts.append(at < day_start(end + timedelta(days=1), zone))
        branches.append(and_(*parts))
    return or_(*branches) if branches else false()


def viewer_zone(session: Session, team_id: int | None) -> ZoneInfo:
    """The zone a person reads times in: their team's; without a team, the one zone every team
    shares; UTC (shown with its offset) when the organisation spans several zones or none."""
    if team_id is not None:
        zone = session.scalar(select(m.Team.timezone).where(m.Team.id == team_id))
        if zone:
            return ZoneInfo(zone)
    zones = set(session.scalars(select(m.Team.timezone).distinct()))
    return ZoneInfo(zones.pop()) if len(zones) == 1 else ZoneInfo("UTC")
