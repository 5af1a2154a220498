"""``fieldvisit check``: the verdict, reasons and intervals of one case, in Chinese or English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldvisit.app.cli import main
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.app.signing_in import demo_password


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _disputed(db: Database) -> tuple[int, str, int]:
    with db.session_factory() as s:
        row = s.execute(
            select(m.Case.id, m.Case.case_number, m.Case.crew_id)
            .where(m.Case.state == "disputed")
            .limit(1)
        ).one()
    return row[0], row[1], row[2]


def test_english_verdict_with_reasons_and_source(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id, number, crew = _disputed(demo_db)
    argv = ["check", str(case_id), "--date", "2026-12-01", "--crew", str(crew), "--lang", "en"]
    assert main([*argv, "--db", _url(demo_db)]) == 4  # blocked: scripts read the exit status
    out = capsys.readouterr().out
    assert f"Case {number} (id {case_id})" in out
    assert "Rule profile CN version 2026.1" in out
    assert "Verdict: blocked" in out
    assert "CN.state.disputed: The debt is disputed" in out
    assert "Source: " in out
    assert "Allowed intervals: none" in out


def test_chinese_by_case_number_with_intervals(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.session_factory() as s:
        number, crew = s.execute(
            select(m.Case.case_number, m.Case.crew_id).where(m.Case.state == "active").limit(1)
        ).one()
    argv = ["check", number, "--date", "2026-12-02", "--crew", str(crew), "--lang", "zh"]
    code = main([*argv, "--db", _url(demo_db)])
    out = capsys.readouterr().out
    verdict = {0: "结论：可外访", 3: "结论：需审批", 4: "结论：不可外访"}[code]
    assert verdict in out, out  # the exit status says what the verdict says
    assert f"案件 {number}" in out
    assert "规则档案 CN 版本 2026.1" in out
    assert "结论：" in out
    assert "联系记录截至" in out


def test_a_what_if_profile(demo_db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    case_id, _, crew = _disputed(demo_db)
    argv = ["check", str(case_id), "--date", "2026-12-01", "--crew", str(crew), "--profile", "IE"]
    assert main([*argv, "--lang", "en", "--db", _url(demo_db)]) == 4
    assert "IE.state.disputed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "NO-SUCH-CASE", "--date", "2026-12-01", "--crew", "1"],
        ["check", "1", "--date", "2026-12-01", "--crew", "999"],
        ["check", "1", "--date", "2026-12-01", "--crew", "1", "--minutes", "0"],
    ],
)
def test_bad_input_exits_2_with_a_message(
    argv: list[str], demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--lang", "en", "--db", _url(demo_db)]) == 2
    assert capsys.readouterr().err.strip()


def test_a_bad_date_is_refused_by_the_parser(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "1", "--date", "2026-13-01", "--crew", "1", "--db", _url(demo_db)])
    assert caught.value.code == 2


def test_a_collector_of_another_team_is_refused(
    demo_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_password(monkeypatch)
    case_id, _, crew = _disputed(demo_db)
    with demo_db.session_factory() as s:
        team = s.scalar(select(m.Case.team_id).where(m.Case.id == case_id))
        other = s.scalar(
            select(m.User.username).where(m.User.role == "collector", m.User.team_id != team)
        )
    argv = ["check", str(case_id), "--date", "2026-12-01", "--crew", str(crew), "--user", other]
    assert main([*argv, "--lang", "en", "--db", _url(demo_db)]) == 1
    assert "may not see" in capsys.readouterr().err


def test_a_named_user_must_sign_in(
    demo_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "wrong")
    argv = ["check", "1", "--date", "2026-12-01", "--crew", "1", "--user", "compliance"]
    assert main([*argv, "--lang", "en", "--db", _url(demo_db)]) != 0
    assert "Wrong user name or password" in capsys.readouterr().err
