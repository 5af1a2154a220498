"""What planning reads besides eligibility: the crew, its team's time zone, the visit addresses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.errors import NotFoundError
from fieldvisit.routing.model import Travel
from fieldvisit.routing.travel import Point, TravelParams, matrix
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class CrewInfo:
    id: int
    name: str
    team_id: int
    timezone: str
    member_ids: frozenset[int]
    base: tuple[float, float] | None
    #: The crew's travel speed from the Organisation set-up; None: the travel model's default.
    speed_kmh: float | None = None

    @property
    def travel_params(self) -> TravelParams:
        """The travel model for this crew: its own speed, the model's detour factor."""
        default = TravelParams()
        return TravelParams(self.speed_kmh or default.speed_kmh, default.detour_factor)


@dataclass(frozen=True)
class VisitPlace:
    case_id: int
    address_id: int
    lat: float
    lon: float
    priority: int


def load_crew(s: Session, crew_id: int) -> CrewInfo:
    crew = s.get(m.Crew, crew_id)
    if crew is None:
        raise NotFoundError("round.error.no_crew", crew=crew_id)
    base = None
    if crew.base_lat is not None and crew.base_lon is not None:
        base = (crew.base_lat, crew.base_lon)
    members = frozenset(member.user_id for member in crew.members)
    return CrewInfo(
        crew.id, crew.name, crew.team_id, crew.team.timezone, members, base, crew.speed_kmh
    )


def crew_travel(crew: CrewInfo, points: Sequence[Point]) -> Travel:
    """Travel among ``points`` at the crew's own speed (a slow van, a crew on foot)."""
    return matrix(points, crew.travel_params)


def load_places(s: Session, case_ids: Sequence[int]) -> dict[int, VisitPlace]:
    """The home address with coordinates of each case (the primary one first); cases without a
    located address are missing from the result."""
    rows = s.execute(
        select(m.Case.id, m.Address.id, m.Address.lat, m.Address.lon, m.Case.priority)
        .join(m.Address, m.Address.debtor_id == m.Case.debtor_id)
        .where(
            m.Case.id.in_(list(case_ids)), m.Address.lat.is_not(None), m.Address.lon.is_not(None)
        )
        .order_by(m.Case.id, m.Address.is_primary.desc(), m.Address.kind, m.Address.id)
    )
    places: dict[int, VisitPlace] = {}
    for case_id, address_id, lat, lon, priority in rows:
        if lat is not None and lon is not None:  # the query filters these; mypy can't know
            places.setdefault(case_id, VisitPlace(case_id, address_id, lat, lon, priority))
    return places


def load_case_numbers(s: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Case numbers by id: what every message names a case by (never its database id)."""
    rows = s.execute(select(m.Case.id, m.Case.case_number).where(m.Case.id.in_(case_ids)))
    return {int(case_id): str(number) for case_id, number in rows}
