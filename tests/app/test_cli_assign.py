"""``fieldvisit assign``: by case ids, by filter and by area, with the same rules as the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.app.cli import main
from fieldvisit.domain.enums import CaseState
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.app.signing_in import TEAM_MANAGER, demo_password
from tests.helpers import use_demo_key


@pytest.fixture
def url(demo_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    use_demo_key(monkeypatch, tmp_path / "audit.key")
    demo_password(monkeypatch)
    monkeypatch.setenv("FIELDVISIT_USER", TEAM_MANAGER[1])  # signs in unless --user says otherwise
    return f"sqlite:///{copy}"


def crew_cases(url: str, crew: int) -> list[int]:
    db = Database.open(url)
    with db.session_factory() as s:
        found = list(
            s.scalars(
                select(m.Case.id)
                .where(m.Case.crew_id == crew, m.Case.state != CaseState.CLOSED)
                .order_by(m.Case.id)
            )
        )
    db.dispose()
    return found


def audited(url: str) -> list[tuple[str, int | None, str | None]]:
    db = Database.open(url)
    with db.session_factory() as s:
        rows = s.execute(
            select(m.AuditEntry.action, m.AuditEntry.actor_id, m.AuditEntry.entity_id).where(
                m.AuditEntry.action == "case.assigned"
            )
        )
        found = [(a, b, c) for a, b, c in rows]
    db.dispose()
    return found


def test_assign_named_cases_to_a_crew(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    moving = crew_cases(url, 1)[:2]
    argv = ["assign", "--crew", "2", "--case", *map(str, moving), "--reason", "接手", "--db", url]
    assert main([*argv, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 cases assigned to ")
    assert f"case {moving[0]}: " in out
    assert set(moving) <= set(crew_cases(url, 2))
    entries = audited(url)
    assert sorted(int(e[2] or 0) for e in entries) == moving
    # Again: nothing changes, and it says so.
    assert main([*argv, "--lang", "zh"]) == 0
    assert "已将 0 个案件分配给" in capsys.readouterr().out
    assert len(audited(url)) == 2


def test_unassign_by_filter_takes_only_the_crews_cases(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    on_crew = crew_cases(url, 1)
    argv = ["assign", "--crew", "1", "--filter", "state=active", "--unassign"]
    assert main([*argv, "--reason", "休假", "--db", url, "--lang", "en"]) == 0
    assert "cases taken off" in capsys.readouterr().out
    left = crew_cases(url, 1)
    assert left  # the crew's cases in other states stay
    assert len(left) < len(on_crew)
    db = Database.open(url)
    with db.session_factory() as s:
        states = set(s.scalars(select(m.Case.state).where(m.Case.id.in_(left))))
    db.dispose()
    assert CaseState.ACTIVE not in states


def test_assign_by_area(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A box around the whole of Shanghai: every located case of crew 1's team.
    area = "30.9,121.1;30.9,121.9;31.5,121.9;31.5,121.1"
    argv = ["assign", "--crew", "2", "--area", area, "--reason", "片区", "--db", url, "--user"]
    assert main([*argv, "mgr.sh-e", "--lang", "en"]) == 0
    assert "cases assigned to" in capsys.readouterr().out
    db = Database.open(url)
    with db.session_factory() as s:
        team = s.scalar(select(m.Crew.team_id).where(m.Crew.id == 2))
        other = s.scalars(
            select(m.Case.id)
            .join(m.Address, (m.Address.debtor_id == m.Case.debtor_id) & m.Address.is_primary)
            .where(
                m.Case.team_id == team,
                m.Case.crew_id != 2,
                m.Case.state != CaseState.CLOSED,
                m.Address.lat.is_not(None),
            )
        ).all()
    db.dispose()
    assert other == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--case", "1", "--reason", " "], "Give a reason"),
        (["--case", "999999", "--reason", "x"], "1 cases not found: 999999"),
        (["--area", "31,121;31,122", "--reason", "x"], "at least 3 different corners"),
        (["--filter", "colour=red", "--reason", "x"], 'Bad filter "colour=red"'),
        (["--case", "1", "--reason", "x", "--team", "2"], "Crew 2 is not part of team 2"),
    ],
)
def test_bad_input_exits_2_and_says_what_to_fix(
    url: str, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    before = crew_cases(url, 1)
    assert main(["assign", "--crew", "2", *extra, "--db", url, "--lang", "en"]) == 2
    assert message in capsys.readouterr().err
    assert crew_cases(url, 1) == before


def test_another_teams_manager_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    case = crew_cases(url, 1)[0]
    argv = ["assign", "--crew", "3", "--case", str(case), "--reason", "x", "--user", "mgr.sh-c"]
    assert main([*argv, "--db", url, "--lang", "en"]) == 1
    assert f"You may not move case {case}" in capsys.readouterr().err
    assert case in crew_cases(url, 1)


def test_nobody_assigns_without_signing_in(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = crew_cases(url, 1)
    argv = ["assign", "--crew", "2", "--case", str(before[0]), "--reason", "x", "--user", "nobody"]
    assert main([*argv, "--db", url, "--lang", "en"]) != 0
    assert "Wrong user name or password" in capsys.readouterr().err
    assert crew_cases(url, 1) == before
