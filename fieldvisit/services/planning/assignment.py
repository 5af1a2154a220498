"""Standing case assignment: move cases to a team and crew, one by one or in bulk, audited.

A case's ``team_id`` and ``crew_id`` say who works it until someone moves it again (planning
takes a crew's assigned cases); every move is one audit entry with the placement before and
after and the reason. A batch is all or nothing: one transaction, one refusal names the cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain import assignment as rules
from fieldvisit.domain import geometry
from fieldvisit.domain.access import Actor, Permission, require, sees_all_teams
from fieldvisit.domain.assignment import CaseFacts, CrewFacts, Placement
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.services.audit import AuditEvent, AuditLog
from fieldvisit.services.cases.queries import CaseQueries, CaseQuery, Choice
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.services.planning.eligibility_load import one_of
from fieldvisit.storage import models as m

ProgressCallback = Callable[[int, int], None]
PROGRESS_STEP = 200  # cases between two progress reports of a long batch
_Located = Select[int, str, int | None, int | None, float | None, float | None]
ASSIGNED = "case.assigned"
UNDONE = "case.assignment_undone"


@dataclass(frozen=True)
class Moved:
    """One case that changed hands, for the result shown to the user and for undo."""

    case_id: int
    before: Placement
    after: Placement


@dataclass(frozen=True)
class AssignmentResult:
    moved: tuple[Moved, ...]
    unchanged: int  # cases that already stood where they were sent: counted, not rewritten
    reason: str

    @property
    def changed(self) -> int:
        return len(self.moved)


@dataclass(frozen=True)
class Targets:
    """The teams the actor may assign to and their active crews (``parent_id``: the team)."""

    teams: tuple[Choice, ...]
    crews: tuple[Choice, ...]


@dataclass(frozen=True)
class MapCase:
    """A case on the assignment map: its primary address and current crew."""

    case_id: int
    case_number: str
    lat: float
    lon: float
    team_id: int | None
    crew_id: int | None


class AssignmentService:
    """A session per action; reads go through ``CaseQueries`` so filters mean the same."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        audit: AuditLog,
        clock: Clock,
        cases: CaseQueries | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._audit = audit
        self._clock = clock
        self._cases = cases or CaseQueries(session_factory)

    # --- reads --------------------------------------------------------------------------------
    def targets(self, actor: Actor) -> Targets:
        require(actor, Permission.ASSIGN_CASES)
        teams = select(m.Team.id, m.Team.name).order_by(m.Team.name, m.Team.id)
        if not sees_all_teams(actor):
            teams = teams.where(m.Team.id == actor.team_id)
        with self._session_factory() as s:
            found = s.execute(teams).all()
            crews = s.execute(
                select(m.Crew.id, m.Crew.name, m.Crew.team_id)
                .where(m.Crew.team_id.in_([team_id for team_id, _ in found]), m.Crew.active)
                .order_by(m.Crew.name, m.Crew.id)
            ).all()
        return Targets(
            tuple(Choice(i, n) for i, n in found), tuple(Choice(i, n, t) for i, n, t in crews)
        )

    def crew_team(self, crew_id: int) -> int:
        """The team of a crew (the command line picks its acting manager by it)."""
        with self._session_factory() as s:
            return _crew(s, crew_id).team_id

    def matching(self, actor: Actor, query: CaseQuery) -> list[int]:
        """Every case of the Cases screen's ``query`` that can be assigned (closed ones cannot)."""
        require(actor, Permission.ASSIGN_CASES)
        ids = self._cases.ids(actor, query)
        if not ids:
            return []
        with self._session_factory() as s:
            open_ids = set(
                s.scalars(
                    select(m.Case.id).where(
                        one_of(s, m.Case.id, ids), m.Case.state != CaseState.CLOSED
                    )
                )
            )
        return [case_id for case_id in ids if case_id in open_ids]

    def cases_in_area(
        self, actor: Actor, area: Sequence[Sequence[float]], query: CaseQuery | None = None
    ) -> list[int]:
        """Assignable cases whose primary address lies inside ``area`` ((lat, lon) vertices),
        limited to ``query`` when given (then in its order, else by case id)."""
        require(actor, Permission.ASSIGN_CASES)
        shape = geometry.polygon(area)
        south, west, north, east = geometry.bounds(shape)
        statement = (
            _located(actor)
            .where(m.Address.lat.between(south, north), m.Address.lon.between(west, east))
            .order_by(m.Case.id)
        )
        with self._session_factory() as s:
            rows = [(row.id, row.lat, row.lon) for row in s.execute(statement)]
        found = geometry.inside(shape, rows)
        if query is None:
            return found
        wanted = set(found)
        return [case_id for case_id in self._cases.ids(actor, query) if case_id in wanted]

    def map_points(self, actor: Actor, query: CaseQuery) -> list[MapCase]:
        """The located, assignable cases of ``query`` (e.g. a team's), for the map."""
        require(actor, Permission.ASSIGN_CASES)
        ids = self._cases.ids(actor, query)
        if not ids:
            return []
        with self._session_factory() as s:
            rows = s.execute(_located(actor).where(one_of(s, m.Case.id, ids)).order_by(m.Case.id))
            return [MapCase(r.id, r.case_number, r.lat, r.lon, r.team_id, r.crew_id) for r in rows]

    # --- writes -------------------------------------------------------------------------------
    def assign(
        self,
        actor: Actor,
        case_ids: Sequence[int],
        team_id: int | None,
        crew_id: int | None,
        reason: str,
        progress: ProgressCallback | None = None,
    ) -> AssignmentResult:
        """Put the cases with ``crew_id`` of ``team_id`` (None: the crew's team); ``crew_id``
        None leaves them in the team without a crew (unassigned)."""
        require(actor, Permission.ASSIGN_CASES)
        text = rules.checked_reason(reason)
        ids = rules.unique_ids(case_ids)
        with self._session_factory.begin() as s:
            target = self._target(s, actor, team_id, crew_id)
            targets = dict.fromkeys(ids, target)
            return self._apply(s, actor, ids, targets, None, text, ASSIGNED, progress)

    def undo(
        self,
        actor: Actor,
        result: AssignmentResult,
        reason: str,
        progress: ProgressCallback | None = None,
    ) -> AssignmentResult:
        """Put the cases ``result`` moved back where they were, if nobody moved them since."""
        require(actor, Permission.ASSIGN_CASES)
        text = rules.checked_reason(reason)
        ids = rules.unique_ids(moved.case_id for moved in result.moved)
        targets = {moved.case_id: moved.before for moved in result.moved}
        expected = {moved.case_id: moved.after for moved in result.moved}
        with self._session_factory.begin() as s:
            for placement in set(targets.values()):
                self._check_placement(s, actor, placement)
            return self._apply(s, actor, ids, targets, expected, text, UNDONE, progress)

    def _target(
        self, s: Session, actor: Actor, team_id: int | None, crew_id: int | None
    ) -> Placement:
        crew = _crew(s, crew_id) if crew_id is not None else None
        if team_id is None:
            if crew is None:
                raise ValidationError("assign.error.no_target")
            team_id = crew.team_id
        if s.get(m.Team, team_id) is None:
            raise NotFoundError("assign.error.no_team", team=team_id)
        target = rules.check_target(team_id, crew)  # a wrong pairing is the clearer message
        rules.require_may_assign(actor, team_id)
        return target

    def _check_placement(self, s: Session, actor: Actor, placement: Placement) -> None:
        rules.require_may_assign(actor, placement.team_id)
        if placement.team_id is not None and placement.crew_id is not None:
            rules.check_target(placement.team_id, _crew(s, placement.crew_id))

    def _apply(
        self,
        s: Session,
        actor: Actor,
        ids: list[int],
        targets: Mapping[int, Placement],
        expected: Mapping[int, Placement] | None,
        reason: str,
        action: str,
        progress: ProgressCallback | None,
    ) -> AssignmentResult:
        # Locked on PostgreSQL, so two managers moving the same cases take turns.
        locked = s.scalars(select(m.Case).where(one_of(s, m.Case.id, ids)).with_for_update()).all()
        rows = {case.id: case for case in locked}
        facts = {case.id: _facts(case) for case in locked}
        rules.check_found(ids, facts)
        ordered = [facts[case_id] for case_id in ids]
        rules.check_cases(actor, ordered)
        if expected is not None:
            rules.check_unchanged_since(ordered, expected)
        moving, unchanged = rules.changes(ordered, targets)
        now = self._clock()
        events, moved = [], []
        for done, fact in enumerate(moving, start=1):
            target = targets[fact.case_id]
            case = rows[fact.case_id]
            case.team_id, case.crew_id, case.updated_at = target.team_id, target.crew_id, now
            moved.append(Moved(fact.case_id, fact.placement, target))
            events.append(_event(now, actor, action, fact, target, reason))
            if progress is not None and done % PROGRESS_STEP == 0:
                progress(done, len(moving))
        s.flush()
        if events:
            # One lock of the chain head and one flush for the whole batch.
            self._audit.record_many(s, events)
        if progress is not None:
            progress(len(moving), len(moving))
        return AssignmentResult(tuple(moved), unchanged, reason)


def _located(actor: Actor) -> _Located:
    """Assignable cases the actor sees, with their primary address's coordinates."""
    return (
        select(
            m.Case.id,
            m.Case.case_number,
            m.Case.team_id,
            m.Case.crew_id,
            m.Address.lat,
            m.Address.lon,
        )
        .join(m.Address, (m.Address.debtor_id == m.Case.debtor_id) & m.Address.is_primary)
        .where(
            visible_cases(actor),
            m.Case.state != CaseState.CLOSED,
            m.Address.lat.is_not(None),
            m.Address.lon.is_not(None),
        )
    )


def _crew(s: Session, crew_id: int) -> CrewFacts:
    crew = s.get(m.Crew, crew_id)
    if crew is None:
        raise NotFoundError("assign.error.no_crew", crew=crew_id)
    return CrewFacts(crew.id, crew.team_id, crew.active)


def _facts(case: m.Case) -> CaseFacts:
    return CaseFacts(case.id, case.case_number, case.state, Placement(case.team_id, case.crew_id))


def _event(
    now: datetime, actor: Actor, action: str, fact: CaseFacts, target: Placement, reason: str
) -> AuditEvent:
    before = {"team": fact.placement.team_id, "crew": fact.placement.crew_id}
    after = {"team": target.team_id, "crew": target.crew_id, "reason": reason}
    return AuditEvent(now, actor.user_id, action, "case", fact.case_id, before, after)
