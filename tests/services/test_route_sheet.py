"""The route sheet of a saved round on the demo: masked data, approver, windows, the CLI."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fieldvisit.app.cli import main
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.policy import PolicyEditor
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.services.planning.route_sheet import RouteSheetService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.helpers import use_demo_key

DAY = date(2026, 12, 2)
CLOCK = FixedClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))


def _approved_round(db: Database, *, approve: bool = True) -> tuple[int, Actor, Actor, Actor]:
    """Crew 1's round for DAY, saved by a member and approved by the team's manager."""
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crew = s.scalars(select(m.Crew).order_by(m.Crew.id)).first()
        assert crew is not None
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
        other = s.scalar(
            select(m.User.id).where(m.User.role == "collector", m.User.team_id == crew.team_id)
            .where(m.User.id.not_in([cm.user_id for cm in crew.members]))
        )  # fmt: skip
        assert manager is not None
        assert other is not None
        member, crew_id = crew.members[0].user_id, crew.id
    eligibility = EligibilityService(db.session_factory)
    planning = PlanningService(db.session_factory, eligibility, solve)
    rounds = RoundService(db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    collector = users.actor(member)
    plan = planning.optimise(collector, DayRequest(crew_id, DAY), Budget(iterations=300))
    saved = rounds.save_draft(collector, plan, None)
    rounds.submit(collector, saved.round_id)
    if approve:
        rounds.approve(users.actor(manager), saved.round_id, "例外已核实")
    return crew_id, collector, users.actor(manager), users.actor(other)


def _service(db: Database) -> RouteSheetService:
    return RouteSheetService(db.session_factory, EligibilityService(db.session_factory), CLOCK)


def _sheet_text(sheets: RouteSheetService, actor: Actor, crew_id: int, lang: str = "zh") -> str:
    pdf = sheets.print_route(actor, crew_id, DAY, lang)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _first_debtor(db: Database, case_number: str) -> tuple[str, str, int]:
    with db.session_factory() as s:
        case = s.scalars(select(m.Case).where(m.Case.case_number == case_number)).one()
        return case.debtor.name, case.debtor.addresses[0].text, case.debtor_id


def _access_rows(db: Database, user_id: int) -> list[tuple[int, str]]:
    with db.session_factory() as s:
        rows = s.execute(
            select(m.AccessLog.debtor_id, m.AccessLog.purpose).where(m.AccessLog.user_id == user_id)
        )
        return [(debtor, purpose) for debtor, purpose in rows]


def test_the_crew_sees_its_approved_round_in_full_and_the_view_is_logged(
    demo_db: Database,
) -> None:
    """Issue 20 item 3: the crew that rings the doorbell was shown "上海市杨浦区****" and "邓*"."""
    crew_id, collector, manager, _ = _approved_round(demo_db)
    sheets = _service(demo_db)
    doc = sheets.document(collector, crew_id, DAY)
    assert doc.full_data
    assert doc.approver == manager.display_name
    assert doc.approval_reason == "例外已核实"
    assert doc.stops
    assert all(stop.windows for stop in doc.stops)
    name, street, debtor_id = _first_debtor(demo_db, doc.stops[0].case_number)
    assert (doc.stops[0].debtor, doc.stops[0].address) == (name, street)
    text = _sheet_text(sheets, collector, crew_id)
    assert f"{doc.stops[0].case_number} {name}" in text
    assert street.replace(" ", "") in text.replace("\n", "").replace(" ", "")
    assert "外访路线单" in text
    assert manager.display_name in text
    logged = _access_rows(demo_db, collector.user_id)
    assert (debtor_id, f"route sheet {doc.crew} {DAY.isoformat()}") in logged
    assert len(logged) == 2 * len({_first_debtor(demo_db, s.case_number)[2] for s in doc.stops})


def test_a_round_not_yet_approved_prints_masked_and_says_so(demo_db: Database) -> None:
    crew_id, collector, _, _ = _approved_round(demo_db, approve=False)
    sheets = _service(demo_db)
    doc = sheets.document(collector, crew_id, DAY)
    assert not doc.full_data
    name, street, _ = _first_debtor(demo_db, doc.stops[0].case_number)
    masked = name[:1] + "*" * (len(name) - 1)
    text = _sheet_text(sheets, collector, crew_id)
    assert f"{doc.stops[0].case_number} {masked}" in text  # the positive control
    assert name not in text
    assert street not in text
    assert "尚未审批" in text
    assert "主管已审批" not in text
    assert _access_rows(demo_db, collector.user_id) == []


def test_another_day_is_masked_even_for_the_crew(demo_db: Database) -> None:
    crew_id, collector, _, _ = _approved_round(demo_db)
    early = RouteSheetService(
        demo_db.session_factory,
        EligibilityService(demo_db.session_factory),
        FixedClock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC)),  # four days before the round
    )
    assert not early.document(collector, crew_id, DAY).full_data


def test_the_sheet_prints_the_windows_approved_even_after_the_rules_change(
    demo_db: Database,
) -> None:
    crew_id, collector, _, _ = _approved_round(demo_db)
    sheets = _service(demo_db)
    before = sheets.document(collector, crew_id, DAY)
    assert not before.rules_changed
    with demo_db.session_factory() as s:
        officer = s.scalar(select(m.User.id).where(m.User.role == "compliance"))
        team_id = s.get_one(m.Crew, crew_id).team_id
    assert officer is not None
    editor = PolicyEditor(demo_db.session_factory, AuditLog(b"k" * 32, CLOCK), CLOCK)
    window = {"contact_window": {"start": "10:00", "end": "16:00"}}
    editor.save(UserDirectory(demo_db.session_factory).actor(officer), team_id, "CN", window,
                DAY, "complaints about early visits")  # fmt: skip
    after = sheets.document(collector, crew_id, DAY)
    assert after.rules_changed
    assert [s.windows for s in after.stops] == [s.windows for s in before.stops]
    text = _sheet_text(sheets, collector, crew_id, "en")
    assert "The rules changed after this round was planned" in " ".join(text.split())


def test_only_the_crew_and_its_managers_print_it(demo_db: Database) -> None:
    crew_id, _, manager, other = _approved_round(demo_db)
    sheets = _service(demo_db)
    assert sheets.document(manager, crew_id, DAY).stops
    with pytest.raises(PermissionDeniedError):
        sheets.document(other, crew_id, DAY)
    with pytest.raises(NotFoundError, match="no_round"):
        sheets.document(manager, crew_id, date(2026, 12, 9))


def test_print_route_from_the_command_line(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crew_id, collector, _, _ = _approved_round(demo_db)
    with demo_db.session_factory() as s:
        username = s.get_one(m.User, collector.user_id).username
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "demo1234")
    use_demo_key(monkeypatch, tmp_path / "audit.key")
    url = demo_db.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "route.pdf"
    code = main(["print", "route", "--crew", str(crew_id), "--date", DAY.isoformat(),
                 "--out", str(out), "--user", username, "--db", url, "--lang", "zh"])  # fmt: skip
    assert code == 0
    first = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "外访路线单 · " in first
    assert DAY.isoformat() in first
