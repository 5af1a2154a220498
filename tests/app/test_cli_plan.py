"""``fieldvisit plan`` saves a draft round with the Plan screen's service and prints a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from tests.app.signing_in import CREW_MEMBER, TEAM_MANAGER, demo_password
from tests.helpers import use_demo_key


def test_plan_saves_a_draft_and_lists_stops_and_reasons(
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
    args = ["plan", "--crew", "1", "--date", "2026-12-02", "--db", url, "--seconds", "0.5"]
    args += ["--user", CREW_MEMBER[1]]
    assert main([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Draft round saved for crew 1 on 2026-12-02 (round" in out
    assert " 1. " in out
    assert "Not scheduled" in out
    assert main([*args, "--lang", "zh"]) == 0
    assert "版本 2" in capsys.readouterr().out


def test_plan_names_an_unknown_crew(
    demo_sqlite_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    demo_password(monkeypatch)
    code = main(
        [
            "plan",
            "--crew",
            "99",
            "--date",
            "2026-12-02",
            "--db",
            f"sqlite:///{copy}",
            "--lang",
            "en",
            "--user",
            TEAM_MANAGER[1],
        ]
    )
    assert code == 2
    assert "Crew 99 not found" in capsys.readouterr().err


def _rounds_of(path: Path) -> list[tuple[int, str | None]]:
    from sqlalchemy import select

    from fieldvisit.storage import models as m
    from fieldvisit.storage.database import Database

    db = Database.open(f"sqlite:///{path}")
    with db.session_factory() as s:
        rows = s.execute(select(m.Round.crew_id, m.Round.team_plan_id).order_by(m.Round.crew_id))
        found = [(crew, team_plan) for crew, team_plan in rows]
    db.dispose()
    return found


@pytest.fixture
def demo_copy(demo_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database, with an audit key of its own."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    use_demo_key(monkeypatch, tmp_path / "audit.key")
    demo_password(monkeypatch)
    return copy


def test_plan_team_hands_out_every_crew_s_draft_and_prints_each_crew(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = demo_copy
    before = _rounds_of(copy)
    args = ["plan", "--team", "1", "--date", "2026-12-02", "--db", f"sqlite:///{copy}"]
    args += ["--user", TEAM_MANAGER[1]]
    assert main([*args, "--seconds", "0.5", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Team plan for 2026-12-02: 2 crews" in out
    assert "Crew 1 " in out
    assert "Crew 2 " in out
    assert "(round " in out
    assert " 1. " in out
    assert "Not scheduled" in out
    added = [r for r in _rounds_of(copy) if r not in before]
    assert [crew for crew, _ in added] == [1, 2]
    assert len({team_plan for _, team_plan in added}) == 1
    assert added[0][1] is not None


def test_plan_with_several_crews_plans_them_together_in_chinese(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = demo_copy
    args = ["plan", "--crew", "3", "--crew", "4", "--date", "2026-12-02", "--user", TEAM_MANAGER[2]]
    code = main([*args, "--db", f"sqlite:///{copy}", "--seconds", "0.5", "--lang", "zh"])
    assert code == 0
    out = capsys.readouterr().out
    assert "2026-12-02 的团队规划：2 个小组" in out
    assert "小组 3 " in out
    assert "小组 4 " in out


def test_plan_needs_a_crew_or_a_team(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", "--date", "2026-12-02", "--db", f"sqlite:///{demo_copy}", "--lang", "en"]
    assert main(args) == 2
    assert "--team TEAM_ID" in capsys.readouterr().err


def test_plan_signs_in_and_refuses_a_wrong_password(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "not-the-password")
    before = _rounds_of(demo_copy)
    args = ["plan", "--crew", "1", "--date", "2026-12-02", "--db", f"sqlite:///{demo_copy}"]
    assert main([*args, "--user", CREW_MEMBER[1], "--lang", "en"]) != 0
    assert "Wrong user name or password" in capsys.readouterr().err
    assert _rounds_of(demo_copy) == before


def test_plan_without_a_user_acts_for_nobody(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDVISIT_USER", raising=False)
    args = ["plan", "--crew", "1", "--date", "2026-12-02", "--db", f"sqlite:///{demo_copy}"]
    assert main([*args, "--lang", "en"]) == 2
    assert "--user" in capsys.readouterr().err
