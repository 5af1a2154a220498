"""Case assignment on the demo data, on SQLite and PostgreSQL: moves, refusals, audit, undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from fieldvisit.demo.build import create_demo
from fieldvisit.domain import geometry
from fieldvisit.domain.access import Actor
from fieldvisit.domain.assignment import Placement
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.cases.queries import CaseQueries, CaseQuery
from fieldvisit.services.planning.assignment import ASSIGNED, UNDONE, AssignmentService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.records.verify import verify_audit
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.conftest import DEMO_TODAY

KEY = DEMO_AUDIT_KEY  # the demo's own entries are chained with it
CLOCK = FixedClock(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))


@dataclass(frozen=True)
class World:
    db: Database
    service: AssignmentService
    manager: Actor  # manager of ``team``
    other_manager: Actor  # manager of another team
    collector: Actor
    admin: Actor
    team: int
    other_team: int
    crews: tuple[int, int]  # the team's two crews
    other_crew: int  # a crew of the other team


def test_the_demo_on_an_empty_database_can_be_reassigned(database: Database) -> None:
    """The plain ``database`` fixture, end to end: build the demo, move a case, read it back."""
    create_demo(database.session_factory, seed=0, today=DEMO_TODAY)
    service = AssignmentService(database.session_factory, AuditLog(KEY, CLOCK), CLOCK)
    with database.session_factory() as s:
        manager = s.scalars(select(m.User).where(m.User.role == "manager")).first()
        assert manager is not None
        assert manager.team_id is not None
        crews = list(s.scalars(select(m.Crew.id).where(m.Crew.team_id == manager.team_id)))
        case_id = s.scalar(
            select(m.Case.id).where(m.Case.crew_id == crews[0], m.Case.state == "active")
        )
    assert case_id is not None
    actor = UserDirectory(database.session_factory).actor(manager.id)
    result = service.assign(actor, [case_id], None, crews[1], "换组")
    assert result.changed == 1
    assert CaseQueries(database.session_factory).rows(actor, [case_id])[0].crew is not None
    with database.session_factory() as s:
        assert s.get(m.Case, case_id).crew_id == crews[1]  # type: ignore[union-attr]


@pytest.fixture
def world(demo_any: Database) -> World:
    database = demo_any
    users = UserDirectory(database.session_factory)
    with database.session_factory() as s:
        teams = list(s.scalars(select(m.Team.id).order_by(m.Team.id)))
        crews = list(s.scalars(select(m.Crew.id).where(m.Crew.team_id == teams[0])))
        other_crew = s.scalars(select(m.Crew.id).where(m.Crew.team_id == teams[1])).first()

        def user(role: str, team: int | None) -> Actor:
            found = s.scalars(
                select(m.User.id).where(m.User.role == role, m.User.team_id == team)
            ).first()
            assert found is not None
            return users.actor(found)

        people = (
            user("manager", teams[0]),
            user("manager", teams[1]),
            user("collector", teams[0]),
            user("admin", None),
        )
    assert other_crew is not None
    service = AssignmentService(database.session_factory, AuditLog(KEY, CLOCK), CLOCK)
    return World(database, service, *people, teams[0], teams[1], (crews[0], crews[1]), other_crew)


def _cases(w: World, crew: int, *, state: str = CaseState.ACTIVE) -> list[int]:
    with w.db.session_factory() as s:
        return list(
            s.scalars(
                select(m.Case.id)
                .where(m.Case.crew_id == crew, m.Case.state == state)
                .order_by(m.Case.id)
            )
        )


def _placement(w: World, case_id: int) -> Placement:
    with w.db.session_factory() as s:
        case = s.get(m.Case, case_id)
        assert case is not None
        return Placement(case.team_id, case.crew_id)


def _audit(w: World, action: str) -> list[m.AuditEntry]:
    with w.db.session_factory() as s:
        return list(s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == action)))


def test_assigning_moves_cases_audits_each_and_counts_the_unchanged(world: World) -> None:
    w = world
    source, target = w.crews
    moving = _cases(w, source)[:3]
    staying = _cases(w, target)[:2]
    result = w.service.assign(w.manager, moving + staying, w.team, target, "  区域调整  ")
    assert (result.changed, result.unchanged, result.reason) == (3, 2, "区域调整")
    assert [m_.case_id for m_ in result.moved] == moving
    assert all(m_.before == Placement(w.team, source) for m_ in result.moved)
    assert all(_placement(w, case_id) == Placement(w.team, target) for case_id in moving)
    entries = _audit(w, ASSIGNED)
    assert sorted(int(e.entity_id or 0) for e in entries) == moving  # none for unchanged cases
    first = next(e for e in entries if e.entity_id == str(moving[0]))
    assert first.actor_id == w.manager.user_id
    assert first.payload == {
        "before": {"team": w.team, "crew": source},
        "after": {"team": w.team, "crew": target, "reason": "区域调整"},
    }
    assert verify_audit(w.db.session_factory, KEY, None).ok


def test_planning_reads_the_new_assignment(world: World) -> None:
    w = world
    source, target = w.crews
    case_id = _cases(w, source)[0]
    w.service.assign(w.manager, [case_id], None, target, "接手")
    day = EligibilityService(w.db.session_factory).for_day(w.manager, date(2026, 12, 2), target)
    assert case_id in day.by_case()
    queries = CaseQueries(w.db.session_factory)
    assert case_id not in queries.ids(w.manager, CaseQuery(crew_id=source))


def test_unassigning_keeps_the_team_and_undo_puts_cases_back(world: World) -> None:
    w = world
    source, _ = w.crews
    ids = _cases(w, source)[:4]
    result = w.service.assign(w.manager, ids, w.team, None, "待重新分配")
    assert all(_placement(w, case_id) == Placement(w.team, None) for case_id in ids)
    undone = w.service.undo(w.manager, result, "撤销")
    assert undone.changed == 4
    assert all(_placement(w, case_id) == Placement(w.team, source) for case_id in ids)
    assert len(_audit(w, UNDONE)) == 4
    # Undoing the undo is a redo.
    w.service.undo(w.manager, undone, "重做")
    assert _placement(w, ids[0]) == Placement(w.team, None)


def test_undo_refuses_when_a_case_moved_since(world: World) -> None:
    w = world
    source, target = w.crews
    ids = _cases(w, source)[:2]
    result = w.service.assign(w.manager, ids, w.team, target, "调整")
    w.service.assign(w.manager, ids[:1], w.team, None, "又改了")
    with pytest.raises(ConflictError) as refused:
        w.service.undo(w.manager, result, "撤销")
    assert refused.value.message.id == "assign.error.changed_since"
    assert _placement(w, ids[1]) == Placement(w.team, target)  # nothing was put back


def test_a_batch_with_a_closed_case_changes_nothing(world: World) -> None:
    w = world
    source, target = w.crews
    closed = _closed_case(w)
    ids = [*_cases(w, source)[:3], closed]
    before = [_placement(w, case_id) for case_id in ids]
    with pytest.raises(ValidationError) as refused:
        w.service.assign(w.manager, ids, w.team, target, "调整")
    assert refused.value.message.id == "assign.error.case_closed"
    with w.db.session_factory() as s:
        number = s.scalar(select(m.Case.case_number).where(m.Case.id == closed))
    assert refused.value.params["cases"] == number
    assert [_placement(w, case_id) for case_id in ids] == before
    assert _audit(w, ASSIGNED) == []


def _closed_case(w: World) -> int:
    with w.db.session_factory.begin() as s:
        case = s.scalars(
            select(m.Case).where(m.Case.team_id == w.team).order_by(m.Case.id.desc())
        ).first()
        assert case is not None
        case.state = CaseState.CLOSED
        return case.id


def test_unknown_ids_are_named(world: World) -> None:
    w = world
    with pytest.raises(NotFoundError) as refused:
        w.service.assign(w.manager, [_cases(w, w.crews[0])[0], 999_999], w.team, None, "x")
    assert refused.value.message.id == "assign.error.no_case"
    assert refused.value.params["cases"] == "999999"


@pytest.mark.parametrize(
    ("crew", "team", "message"),
    [
        ("other_crew", "team", "assign.error.crew_not_in_team"),
        (None, None, "assign.error.no_target"),
        (424_242, None, "assign.error.no_crew"),
        (None, 424_242, "assign.error.no_team"),
    ],
)
def test_bad_targets_are_refused(
    world: World, crew: str | int | None, team: str | int | None, message: str
) -> None:
    w = world
    crew_id = getattr(w, crew) if isinstance(crew, str) else crew
    team_id = getattr(w, team) if isinstance(team, str) else team
    with pytest.raises((ValidationError, NotFoundError)) as refused:
        w.service.assign(w.manager, _cases(w, w.crews[0])[:1], team_id, crew_id, "调整")
    assert refused.value.message.id == message


def test_an_inactive_crew_takes_no_cases(world: World) -> None:
    w = world
    with w.db.session_factory.begin() as s:
        crew = s.get(m.Crew, w.crews[1])
        assert crew is not None
        crew.active = False
    with pytest.raises(ValidationError, match=r"assign\.error\.crew_inactive"):
        w.service.assign(w.manager, _cases(w, w.crews[0])[:1], w.team, w.crews[1], "调整")


def test_a_reason_is_required(world: World) -> None:
    w = world
    with pytest.raises(ValidationError, match=r"assign\.error\.reason_required"):
        w.service.assign(w.manager, _cases(w, w.crews[0])[:1], w.team, w.crews[1], "   ")
    with pytest.raises(ValidationError, match=r"assign\.error\.nothing_selected"):
        w.service.assign(w.manager, [], w.team, w.crews[1], "调整")


def test_managers_act_on_their_own_team_only(world: World) -> None:
    w = world
    ids = _cases(w, w.crews[0])[:2]
    # Into the other team's crew: refused on the target.
    with pytest.raises(PermissionDeniedError, match=r"assign\.error\.team_refused"):
        w.service.assign(w.manager, ids, None, w.other_crew, "调整")
    # Another team's manager taking these cases: refused on the cases.
    with pytest.raises(PermissionDeniedError) as refused:
        w.service.assign(w.other_manager, ids, None, w.other_crew, "抢单")
    assert refused.value.message.id == "assign.error.case_refused"
    with pytest.raises(PermissionDeniedError):
        w.service.assign(w.collector, ids, None, w.crews[1], "调整")
    assert all(_placement(w, case_id) == Placement(w.team, w.crews[0]) for case_id in ids)


def test_an_admin_moves_cases_across_teams(world: World) -> None:
    w = world
    ids = _cases(w, w.crews[0])[:2]
    result = w.service.assign(w.admin, ids, None, w.other_crew, "跨组调整")
    assert result.changed == 2
    assert _placement(w, ids[0]) == Placement(w.other_team, w.other_crew)
    assert {c.id for c in w.service.targets(w.admin).teams} >= {w.team, w.other_team}


def test_targets_are_the_managers_team_and_its_active_crews(world: World) -> None:
    w = world
    targets = w.service.targets(w.manager)
    assert [team.id for team in targets.teams] == [w.team]
    assert sorted(c.id for c in targets.crews) == sorted(w.crews)
    assert {c.parent_id for c in targets.crews} == {w.team}
    with pytest.raises(PermissionDeniedError):
        w.service.targets(w.collector)


def test_cases_in_an_area_match_the_polygon_and_the_filter(world: World) -> None:
    w = world
    points = w.service.map_points(w.manager, CaseQuery(team_id=w.team))
    assert points
    assert {p.team_id for p in points} == {w.team}
    lats, lons = sorted(p.lat for p in points), sorted(p.lon for p in points)
    mid_lat, mid_lon = lats[len(lats) // 2], lons[len(lons) // 2]
    # A triangle over the south-west half of the team's cases.
    area = [(lats[0] - 0.01, lons[0] - 0.01), (mid_lat, lons[-1] + 0.01), (lats[-1], mid_lon)]
    found = w.service.cases_in_area(w.manager, area)
    expected = [p.case_id for p in points if geometry.contains(area, p.lat, p.lon)]
    assert found == sorted(expected)
    assert 0 < len(found) < len(points)
    crew = w.crews[0]
    narrowed = w.service.cases_in_area(w.manager, area, CaseQuery(crew_id=crew))
    with w.db.session_factory() as s:
        crew_cases = set(s.scalars(select(m.Case.id).where(m.Case.crew_id == crew)))
    assert set(narrowed) == {case_id for case_id in found if case_id in crew_cases}
    with pytest.raises(ValidationError, match=r"assign\.error\.area_too_small"):
        w.service.cases_in_area(w.manager, area[:2])


def test_by_filter_leaves_closed_cases_out(world: World) -> None:
    w = world
    closed = _closed_case(w)
    with w.db.session_factory() as s:
        closed_count = s.scalar(
            select(func.count())
            .select_from(m.Case)
            .where(m.Case.team_id == w.team, m.Case.state == CaseState.CLOSED)
        )
    assert closed_count
    query = CaseQuery(team_id=w.team)
    matching = w.service.matching(w.manager, query)
    assert closed not in matching
    every = CaseQueries(w.db.session_factory).ids(w.manager, query)
    assert matching == [case_id for case_id in every if case_id in set(matching)]
    assert len(matching) == len(every) - (closed_count or 0)
    result = w.service.assign(w.manager, matching, w.team, w.crews[0], "全部归甲队")
    assert result.changed + result.unchanged == len(matching)
    with w.db.session_factory() as s:
        elsewhere = set(
            s.scalars(
                select(m.Case.state).where(
                    m.Case.team_id == w.team, m.Case.crew_id.is_distinct_from(w.crews[0])
                )
            )
        )
    assert elsewhere <= {CaseState.CLOSED}  # closed cases stay where they were


def test_progress_is_reported_and_a_cancel_rolls_back(world: World) -> None:
    w = world
    ids = w.service.matching(w.manager, CaseQuery(team_id=w.team, crew_id=w.crews[0]))
    seen: list[tuple[int, int]] = []
    w.service.assign(
        w.manager, ids, w.team, None, "清空", progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (len(ids), len(ids))

    class StopError(Exception):
        pass

    def cancel(_done: int, _total: int) -> None:
        raise StopError

    back = w.service.matching(w.manager, CaseQuery(team_id=w.team))
    in_second_crew = _cases(w, w.crews[1])
    with pytest.raises(StopError):
        w.service.assign(w.manager, back, w.team, w.crews[1], "取消", progress=cancel)
    assert _cases(w, w.crews[1]) == in_second_crew  # nothing of the cancelled batch was kept
    assert all(_placement(w, case_id).crew_id is None for case_id in ids)
