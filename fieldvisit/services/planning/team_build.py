"""One routing problem for several crews: each crew's own verdicts, start and day, shared places.

A case enters the problem when at least one crew may visit it; ``allowed_crews`` names those
crews, so a two-person address never goes to a one-person crew. Its start windows come from the
first crew that may visit it; every placed stop is re-checked for its own crew afterwards.

Crews may travel at different speeds (the Organisation set-up stores one per crew): the problem
carries one travel profile per distinct speed and each crew drives on its own, so one solve
plans every crew at its own speed (crews at one speed share one matrix).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing import model as rm
from fieldvisit.routing.travel import Point
from fieldvisit.services.planning.day import PlanContext, routing_crew, routing_visit
from fieldvisit.services.planning.eligibility_model import CaseEligibility, DayEligibility
from fieldvisit.services.planning.loading import CrewInfo, VisitPlace, crew_travel, load_crew
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class TeamContext:
    """What planning a team's day reads once; ``per_crew`` judges each case for each crew."""

    team_id: int
    crews: tuple[CrewInfo, ...]
    case_ids: tuple[int, ...]
    per_crew: Mapping[int, PlanContext]
    overall: PlanContext  # each case with the verdict of the first crew that may visit it

    @property
    def problem(self) -> rm.Problem:
        """The shared problem: every crew at its own travel speed."""
        return self.overall.problem


def load_crews(s: Session, team_id: int | None, crew_ids: Sequence[int]) -> list[CrewInfo]:
    """The crews named, or the team's active crews; all of one team (one time zone)."""
    ids = list(dict.fromkeys(crew_ids))
    if not ids and team_id is not None:
        ids = list(
            s.scalars(
                select(m.Crew.id)
                .where(m.Crew.team_id == team_id, m.Crew.active)
                .order_by(m.Crew.id)
            )
        )
    if not ids:
        raise ValidationError("team_plan.error.no_crews")
    crews = [load_crew(s, crew_id) for crew_id in ids]
    teams = {crew.team_id for crew in crews} | ({team_id} if team_id is not None else set())
    if len(teams) > 1:
        raise ValidationError("team_plan.error.one_team")
    return crews


def candidate_cases(s: Session, team_id: int, crew_ids: Sequence[int]) -> tuple[int, ...]:
    """The cases assigned to the crews, and the team's cases no crew holds yet."""
    unassigned = (m.Case.team_id == team_id) & m.Case.crew_id.is_(None)
    rows = s.scalars(
        select(m.Case.id)
        .where(or_(m.Case.crew_id.in_(list(crew_ids)), unassigned))
        .order_by(m.Case.id)
    )
    return tuple(rows)


def team_context(
    crews: Sequence[CrewInfo],
    verdicts: Mapping[int, DayEligibility],
    places: dict[int, VisitPlace],
    template: DayTemplate,
    midnight: datetime,
) -> TeamContext:
    overall = _overall(crews, verdicts)
    problem = _problem(crews, verdicts, overall, places, template, midnight)
    per_crew = {
        crew.id: PlanContext(crew, midnight, verdicts[crew.id], places, problem) for crew in crews
    }
    case_ids = tuple(c.case_id for c in overall.cases)
    both = PlanContext(crews[0], midnight, overall, places, problem)
    return TeamContext(crews[0].team_id, tuple(crews), case_ids, per_crew, both)


def _overall(crews: Sequence[CrewInfo], verdicts: Mapping[int, DayEligibility]) -> DayEligibility:
    first = verdicts[crews[0].id]
    tables = [verdicts[crew.id].by_case() for crew in crews]

    def best(case: CaseEligibility) -> CaseEligibility:
        found = (t.get(case.case_id) for t in tables)
        return next((c for c in found if c is not None and not c.blocked), case)

    rulesets = tuple(dict.fromkeys(r for v in verdicts.values() for r in v.rulesets))
    cases = tuple(best(c) for c in first.cases)
    return DayEligibility(first.plan_date, None, None, cases, rulesets, first.contact_data_as_of)


def _problem(
    crews: Sequence[CrewInfo],
    verdicts: Mapping[int, DayEligibility],
    overall: DayEligibility,
    places: dict[int, VisitPlace],
    template: DayTemplate,
    midnight: datetime,
) -> rm.Problem:
    """Crew starts take the first matrix places (in crew order), then one place per visit.

    One travel profile per distinct crew speed, in crew order: the usual team (one speed) has
    one matrix.
    """
    allowed = _allowed_crews(crews, verdicts)
    plannable = [c for c in overall.cases if allowed.get(c.case_id) and c.case_id in places]
    # A crew without a base starts at the first visit's place, as a single crew's day does.
    first = places[plannable[0].case_id] if plannable else None
    fallback = (first.lat, first.lon) if first else (0.0, 0.0)
    points = [Point(*(crew.base or fallback)) for crew in crews]
    points += [Point(places[c.case_id].lat, places[c.case_id].lon) for c in plannable]
    every = frozenset(str(crew.id) for crew in crews)
    visits = []
    for index, case in enumerate(plannable, start=len(crews)):
        visit = routing_visit(case, places[case.case_id], index, midnight, {}, str(crews[0].id))
        crews_for = allowed[case.case_id]
        visits.append(
            dataclasses.replace(visit, allowed_crews=None if crews_for == every else crews_for)
        )
    speeds = list(dict.fromkeys(crew.travel_params for crew in crews))
    travels = [crew_travel(next(c for c in crews if c.travel_params == s), points) for s in speeds]
    specs = tuple(
        dataclasses.replace(
            routing_crew(crew, template, midnight, i), profile=speeds.index(crew.travel_params)
        )
        for i, crew in enumerate(crews)
    )
    return rm.Problem(tuple(visits), specs, travels[0], tuple(travels[1:]))


def _allowed_crews(
    crews: Sequence[CrewInfo], verdicts: Mapping[int, DayEligibility]
) -> dict[int, frozenset[str]]:
    allowed: dict[int, set[str]] = {}
    for crew in crews:
        for case in verdicts[crew.id].cases:
            if not case.blocked:
                allowed.setdefault(case.case_id, set()).add(str(crew.id))
    return {case_id: frozenset(ids) for case_id, ids in allowed.items()}
