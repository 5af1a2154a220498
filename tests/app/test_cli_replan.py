"""``fieldvisit replan`` re-plans a round under way with the Today screen's service."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.app.cli import main
from fieldvisit.domain.clock import FixedClock
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.planner import solve
from fieldvisit.services.admin.users import UserDirectory
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.today import FieldToday
from fieldvisit.services.planning.day import DayRequest, PlanningService
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.rounds import RoundService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.app.signing_in import CREW_MEMBER, demo_password
from tests.helpers import use_demo_key

NOON = "2026-12-02T12:00:00+08:00"


def _round_under_way(url: str) -> tuple[int, int]:
    """Crew 1's round for 2026-12-02, approved, its first visit started; (crew, a planned case)."""
    db = Database.open(url)
    clock = FixedClock(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    audit = AuditLog(DEMO_AUDIT_KEY, clock)
    users = UserDirectory(db.session_factory)
    with db.session_factory() as s:
        crew = s.get_one(m.Crew, 1)
        member = crew.members[0].user_id
        manager = s.scalar(
            select(m.User.id).where(m.User.role == "manager", m.User.team_id == crew.team_id)
        )
    assert manager is not None
    collector = users.actor(member)
    planning = PlanningService(db.session_factory, EligibilityService(db.session_factory), solve)
    rounds = RoundService(db.session_factory, audit, clock)
    plan = planning.optimise(
        collector, DayRequest(1, clock().date()), Budget(iterations=200, seed=0)
    )
    saved = rounds.save_draft(collector, plan, None)
    rounds.submit(collector, saved.round_id)
    rounds.approve(users.actor(manager), saved.round_id, "ok")
    today = FieldToday(SafetyDeps(db.session_factory, audit, clock))
    with db.session_factory() as s:
        stops = s.get_one(m.Round, saved.round_id).stops
        first, later = stops[0].id, stops[-1].case_id
    today.start(collector, first)
    db.dispose()
    return 1, later


def test_replan_shows_and_saves_the_rest_of_the_day(
    demo_sqlite_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    use_demo_key(monkeypatch, tmp_path / "audit.key")
    demo_password(monkeypatch)
    url = f"sqlite:///{copy}"
    crew, later = _round_under_way(url)
    args = ["replan", "--crew", str(crew), "--date", "2026-12-02", "--db", url, "--now", NOON]
    args += ["--user", CREW_MEMBER[crew]]
    args += ["--reason", "no access", "--drop", str(later), "--seconds", "0.5", "--lang", "en"]
    assert main([*args, "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "1 stops finished or under way stay as they are" in shown
    assert "1 dropped" in shown
    assert "Saved:" not in shown
    assert main(args) == 0
    assert "Saved: round" in capsys.readouterr().out
    db = Database.open(url)
    with db.session_factory() as s:
        cases = s.scalars(
            select(m.RoundStop.case_id)
            .join(m.Round)
            .where(m.Round.crew_id == crew, m.Round.status == "in_progress")
        ).all()
        actions = s.scalars(
            select(m.AuditEntry.action)
            .where(m.AuditEntry.action.not_like("rows.%"))
            .order_by(m.AuditEntry.seq)
        ).all()
    db.dispose()
    assert cases
    assert later not in cases
    assert actions[-1] == "round.replanned"


def test_replan_without_a_round_says_so(
    demo_sqlite_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    demo_password(monkeypatch)
    args = ["replan", "--crew", "1", "--date", "2026-12-02", "--reason", "late"]
    args += ["--user", CREW_MEMBER[1]]
    code = main([*args, "--db", f"sqlite:///{copy}", "--now", NOON, "--lang", "en"])
    assert code == 2
    assert "Crew 1 has no round on 2026-12-02" in capsys.readouterr().err
