"""Plain results of team planning: several crews' rounds for one date and what no crew got."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.messages import Message
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing import model as rm
from fieldvisit.services.planning.model import LeftOut, RoundPlan
from fieldvisit.services.planning.rounds import SavedRound


@dataclass(frozen=True)
class TeamRequest:
    """What to plan together: a team's active crews or the crews named, and the cases.

    ``case_ids`` None = the cases assigned to those crews plus the team's unassigned cases.
    """

    day: date
    team_id: int | None = None
    crew_ids: tuple[int, ...] = ()
    case_ids: tuple[int, ...] | None = None
    template: DayTemplate = field(default_factory=DayTemplate)


@dataclass(frozen=True)
class CrewRound:
    """One crew's part of a team plan; ``version`` is its saved round's version when planned."""

    crew_id: int
    name: str
    plan: RoundPlan
    route: rm.Route  # the router's own times, kept so a move elsewhere leaves them untouched
    version: int | None
    route_problems: tuple[Message, ...] = ()  # what the fixed order breaks for the router

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(stop.case_id for stop in self.plan.stops)

    @property
    def broken(self) -> bool:
        """Whether a stop breaks a rule in this order (shown, and handing out is refused)."""
        return bool(self.plan.problems)


@dataclass(frozen=True)
class TeamPlan:
    """Several crews' rounds for one date; ``request.case_ids`` fixes the candidates for moves."""

    request: TeamRequest
    team_id: int
    crews: tuple[CrewRound, ...]
    left_out: tuple[LeftOut, ...]
    unscheduled: tuple[rm.Unscheduled, ...] = ()  # the router's codes for ``left_out``

    @property
    def day(self) -> date:
        return self.request.day

    @property
    def problems(self) -> tuple[Message, ...]:
        return tuple(p for crew in self.crews for p in crew.plan.problems)

    @property
    def travel_seconds(self) -> int:
        return sum(crew.plan.travel_seconds for crew in self.crews)

    @property
    def to_hand_out(self) -> tuple[CrewRound, ...]:
        """The rounds a hand-out saves: a crew with nothing to do and no round yet gets none."""
        return tuple(c for c in self.crews if c.order or c.version is not None)

    def crew(self, crew_id: int) -> CrewRound:
        return next(c for c in self.crews if c.crew_id == crew_id)

    def handed_out(self, versions: Mapping[int, int]) -> TeamPlan:
        """The same plan after a hand-out: the saved rounds' versions are the new base."""
        crews = tuple(
            dataclasses.replace(c, version=versions.get(c.crew_id, c.version)) for c in self.crews
        )
        return dataclasses.replace(self, crews=crews)

    def crew_of(self, case_id: int) -> int | None:
        """The crew whose round holds ``case_id`` (None: left out)."""
        return next((c.crew_id for c in self.crews if case_id in c.order), None)


# A round in these states is the crew's word for the day: a hand-out never replaces it silently.
HELD = frozenset({RoundStatus.APPROVED, RoundStatus.IN_PROGRESS, RoundStatus.CLOSED})


@dataclass(frozen=True)
class HeldRound:
    """A crew's saved round a hand-out would replace: its status and the cases it holds."""

    crew_id: int
    crew_name: str
    status: RoundStatus
    case_numbers: tuple[str, ...]


@dataclass(frozen=True)
class HandOut:
    """What a hand-out did: the rounds saved, by crew, and the rounds it left as they were."""

    saved: Mapping[int, SavedRound]
    kept: tuple[HeldRound, ...] = ()
