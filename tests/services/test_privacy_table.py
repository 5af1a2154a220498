"""docs/privacy.md's table, cell by cell: each role at each place sees what the table says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.cases.detail import CaseDetails
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.route_sheet import RouteSheetService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

DAY = date(2026, 12, 2)
CLOCK = FixedClock(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # 09:00 on the round's day
DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
ROLES = ("crew member", "other collector", "manager", "safety lead", "compliance", "admin")


def table() -> dict[str, dict[str, str]]:
    """The table of docs/privacy.md as {place: {role: value}}."""
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert tuple(header[1:]) == ROLES
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(ROLES, cells[1:], strict=True))
    return rows


def _people(db: Database) -> tuple[int, dict[str, Actor]]:
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        members = [cm.user_id for cm in crew.members]

        def one(role: str, *where: object) -> int:
            found: int | None = s.scalar(
                select(m.User.id).where(m.User.role == role, *where).limit(1)  # type: ignore[arg-type]
            )
            assert found is not None, role
            return found

        team = m.User.team_id == crew.team_id
        ids = {
            "crew member": members[0],
            "other collector": one("collector", team, m.User.id.not_in(members)),
            "manager": one("manager", team),
            "safety lead": one("safety_lead"),
            "compliance": one("compliance"),
            "admin": one("admin"),
        }
        crew_id = crew.id
    return crew_id, {role: users.actor(user) for role, user in ids.items()}


@pytest.fixture(scope="module")
def world(demo_sqlite_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """One demo copy with crew 1's round for DAY submitted (approval happens per test)."""
    import shutil

    copy = tmp_path_factory.mktemp("privacy") / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    return Database.open(f"sqlite:///{copy}")


def _round(db: Database, approved: bool) -> tuple[int, dict[str, Actor]]:
    crew_id, who = _people(db)
    rounds = RoundService(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    with db.session_factory() as s:
        existing = s.scalar(
            select(m.Round).where(m.Round.crew_id == crew_id, m.Round.plan_date == DAY)
        )
        status = existing.status if existing else None
    if status is None:
        planning = PlanningService(
            db.session_factory, EligibilityService(db.session_factory), solve
        )
        plan = planning.optimise(
            who["crew member"], DayRequest(crew_id, DAY), Budget(iterations=200)
        )
        saved = rounds.save_draft(who["crew member"], plan, None)
        rounds.submit(who["crew member"], saved.round_id)
        status = "submitted"
    if approved and status == "submitted":
        round_id = rounds.for_day(who["manager"], crew_id, DAY)
        assert round_id is not None
        rounds.approve(who["manager"], round_id.round_id, "checked")
    return crew_id, who


def _masked(text: str) -> bool:
    return "*" in text


def _outcome(look: Callable[[], str | None]) -> str:
    try:
        shown = look()
    except PermissionDeniedError:
        return "refused"
    if shown is None:
        return "none"
    return "masked" if _masked(shown) else "full"


def _place(db: Database, place: str, crew_id: int, actor: Actor) -> str:
    sheets = RouteSheetService(db.session_factory, EligibilityService(db.session_factory), CLOCK)
    if place.startswith("Route sheet"):

        def sheet() -> str:
            stop = sheets.document(actor, crew_id, DAY).stops[0]
            return f"{stop.debtor} {stop.address}"

        return _outcome(sheet)
    today = FieldToday(SafetyDeps(db.session_factory, AuditLog(DEMO_AUDIT_KEY, CLOCK), CLOCK))
    if place.startswith("Today"):

        def stops() -> str | None:
            worked = today.round_for(actor)
            return None if worked is None else f"{worked.stops[0].debtor} {worked.stops[0].address}"

        return _outcome(stops)
    with db.session_factory() as s:
        case_id = s.scalars(
            select(m.RoundStop.case_id)
            .join(m.Round, m.Round.id == m.RoundStop.round_id)
            .where(m.Round.crew_id == crew_id, m.Round.plan_date == DAY)
        ).first()
    assert case_id is not None
    details = CaseDetails(db.session_factory, CLOCK)
    return _outcome(lambda: details.detail(actor, case_id).addresses[0].text)


UNAPPROVED = "Route sheet of a round not yet approved"
CELLS = [(place, role) for place, row in table().items() for role in row if place != UNAPPROVED]


def test_the_table_has_every_place_the_code_checks() -> None:
    assert len(table()) == 4
    assert UNAPPROVED in table()


@pytest.mark.parametrize(("place", "role"), CELLS)
def test_each_cell_of_an_approved_round(world: Database, place: str, role: str) -> None:
    crew_id, who = _round(world, approved=True)
    assert _place(world, place, crew_id, who[role]) == table()[place][role]


@pytest.mark.parametrize("role", ROLES)
def test_each_cell_of_a_round_not_yet_approved(demo_db: Database, role: str) -> None:
    crew_id, who = _round(demo_db, approved=False)
    assert _place(demo_db, UNAPPROVED, crew_id, who[role]) == table()[UNAPPROVED][role]
