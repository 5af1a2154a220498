"""``fieldvisit org …``, ``users edit|list|unlock``, ``import org|availability|consents`` and
``check --at/--json``: signed in, audited, bad input named and exit 2 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldvisit.app.cli import main
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

EXAMPLES = Path(__file__).parents[2] / "examples" / "onboarding"
DAY = "2026-12-08"  # a Tuesday, no holiday in China


@pytest.fixture
def url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "admin-pass-1")
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "admin-pass-1")
    return sqlite_url


@pytest.fixture
def onboarded(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    assert main(["users", "add", "admin", "--role", "admin", "--db", url]) == 0
    monkeypatch.setenv("FIELDVISIT_USER", "admin")
    assert main(["import", "org", str(EXAMPLES / "org.csv"), "--db", url]) == 0
    assert main(["import", "cases", str(EXAMPLES / "cases.csv"), "--creditor", "ACME",
                 "--db", url]) == 0  # fmt: skip
    return url


def _count(url: str, model: type[m.Base]) -> int:
    db = Database.open(url)
    try:
        with db.session_factory() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


def _crew_id(url: str, capsys: pytest.CaptureFixture[str]) -> int:
    capsys.readouterr()
    assert main(["org", "crew", "list", "--team", "SH", "--json", "--db", url]) == 0
    crews = json.loads(capsys.readouterr().out)
    return int(next(c["id"] for c in crews if c["name"] == "浦东一组"))


def test_a_database_without_users_says_how_to_start(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["org", "team", "list", "--db", url, "--lang", "en"]) == 2
    assert "fieldvisit users add NAME --role admin" in capsys.readouterr().err


def test_lists_as_json(onboarded: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["org", "team", "list", "--json", "--db", onboarded]) == 0
    teams = {t["code"]: t for t in json.loads(capsys.readouterr().out)}
    assert (teams["BOS"]["profile"], teams["BOS"]["timezone"]) == ("US", "America/New_York")
    assert main(["users", "list", "--json", "--db", onboarded]) == 0
    people = {p["username"]: p for p in json.loads(capsys.readouterr().out)}
    assert len(people) == 11
    assert people["zhang"]["crews"] == ["浦东一组"]
    assert people["mgr_bos"]["role"] == "manager"


def test_edit_changes_only_what_is_given_and_is_audited(
    onboarded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["org", "crew", "edit", "SH", "浦东一组", "--max-visits", "5", "--db", onboarded]
    assert main(argv) == 0
    assert main(["org", "crew", "list", "--team", "SH", "--json", "--db", onboarded]) == 0
    crews = {c["name"]: c for c in json.loads(capsys.readouterr().out.split("\n", 1)[1])}
    assert crews["浦东一组"]["day"]["max_visits"] == 5
    assert crews["浦东一组"]["day"]["shift_start"] == "08:30"
    db = Database.open(onboarded)
    with db.session_factory() as s:
        entry = s.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "org.crew.changed")
        ).one()
    db.dispose()
    assert (entry.payload["before"]["max_visits"], entry.payload["after"]["max_visits"]) == (8, 5)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["org", "team", "add", "MARS", "--name", "M", "--profile", "CN", "--timezone",
          "Mars/Base"], "timezone"),
        (["org", "team", "add", "SH", "--name", "M", "--profile", "CN", "--timezone",
          "Asia/Shanghai"], "code"),
        (["org", "creditor", "add", "BANK", "--name", "B", "--currency", "RMB1"], "currency"),
        (["org", "crew", "add", "SH", "三组", "--shift-start", "25:00"], "shift_start"),
        (["users", "edit", "zhang", "--role", "boss"], "role"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_names_the_field_and_writes_nothing(
    onboarded: str, argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = _count(onboarded, m.AuditEntry)
    capsys.readouterr()
    assert main([*argv, "--db", onboarded, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{named} = " in err
    assert "Nothing was written." in err
    assert _count(onboarded, m.AuditEntry) == audit


def test_a_creditor_keeps_its_currency_code(
    onboarded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["org", "creditor", "add", "BOSBANK", "--name", "Boston Bank", "--currency",
                 "usd", "--db", onboarded]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["org", "creditor", "list", "--json", "--db", onboarded]) == 0
    found = {c["code"]: c["currency"] for c in json.loads(capsys.readouterr().out)}
    assert found == {"ACME": "CNY", "BOSBANK": "USD"}


def test_a_bad_declarations_file_names_rows_and_writes_nothing(
    onboarded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "availability.csv"
    path.write_text(
        "case,kind,weekday,start,end,place,source,declared_on\n"
        "ACME-0001,blackout,,08:00,10:00,home,debtor,2026-11-20\n"
        "ACME-9999,blackout,,08:00,10:00,,debtor,2026-11-20\n"
        "ACME-0002,window,someday,14:00,18:00,,debtor,2026-11-20\n"
        "ACME-0003,window,,14:00,18:00,work,debtor,2026-11-20\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["import", "availability", str(path), "--db", onboarded, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert 'row 3, case = "ACME-9999"' in err
    assert 'row 4, weekday = "someday"' in err
    assert 'row 5, place = "work"' in err  # the debtor has no work address
    assert _count(onboarded, m.Availability) == 0


def test_check_at_a_time_and_its_exit_status(
    onboarded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crew = _crew_id(onboarded, capsys)
    assert main(["import", "availability", str(EXAMPLES / "availability.csv"),
                 "--db", onboarded]) == 0  # fmt: skip
    assert main(["import", "consents", str(EXAMPLES / "consents.csv"), "--db", onboarded]) == 0
    base = ["check", "--date", DAY, "--crew", str(crew), "--db", onboarded, "--lang", "en"]
    assert main([*base, "ACME-0001", "--at", "10:30"]) == 0
    assert main([*base, "ACME-0001", "--at", "09:00"]) == 4  # the debtor's blackout
    capsys.readouterr()
    assert main([*base, "ACME-0004"]) == 0
    out = capsys.readouterr().out
    assert "08:00–22:00" in out
    assert "Needs a manager's approval: 07:00–08:00, 22:00–23:00" in out
    assert main([*base, "ACME-0004", "--at", "07:15", "--json"]) == 3
    answer = json.loads(capsys.readouterr().out)
    assert answer["slot"]["status"] == "needs_approval"
    assert answer["needs_approval"] == [{"start": "07:00", "end": "08:00"},
                                        {"start": "22:00", "end": "23:00"}]  # fmt: skip
    assert [r["rule"] for r in answer["slot"]["reasons"]] == ["CN.consent_after_hours"]


def test_unlock_after_a_lockout(onboarded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "staff-pass-1")
    assert main(["users", "passwd", "zhang", "--db", onboarded]) == 0
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "wrong-password")
    for _ in range(5):
        main(["round", "submit", "--crew", "1", "--date", DAY, "--user", "zhang",
              "--db", onboarded])  # fmt: skip
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "staff-pass-1")
    argv = ["users", "list", "--user", "zhang", "--db", onboarded]
    assert main(argv) == 1  # locked even with the right password
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "admin-pass-1")
    assert main(["users", "unlock", "zhang", "--db", onboarded]) == 0
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "staff-pass-1")
    assert main(argv) == 1  # signed in now, but a collector may not list people
    assert _count(onboarded, m.AuditEntry) > 0


@pytest.mark.parametrize(
    "argv",
    [["org", "team", "add"], ["org", "crew", "edit"], ["org", "creditor", "list"],
     ["import", "org"], ["import", "availability"], ["import", "consents"],
     ["round", "approve"], ["users", "edit"], ["users", "unlock"], ["check"]],
)  # fmt: skip
def test_every_new_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    assert "usage: fieldvisit" in capsys.readouterr().out


def test_case_rows_carry_their_zone_jurisdiction_and_profile(
    onboarded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "us.csv"
    header = "case number,name,home address,amount,dpd,team,lat,lon,timezone,jurisdiction,profile\n"
    path.write_text(
        header
        + "US-1,Pat Doe,1 Main St Boston MA,100,40,BOS,42.36,-71.06,America/New_York,us-ma,\n"
        + "US-2,Sam Roe,9 Elm St Chicago IL,100,40,BOS,41.88,-87.63,America/Chicago,US-IL,US\n",
        encoding="utf-8",
    )
    assert main(["import", "cases", str(path), "--creditor", "ACME", "--db", onboarded]) == 0
    db = Database.open(onboarded)
    with db.session_factory() as s:
        rows = s.execute(
            select(m.Case.case_number, m.Case.rule_profile, m.Address.timezone,
                   m.Address.jurisdiction, m.Address.lat)
            .join(m.Address, m.Address.debtor_id == m.Case.debtor_id)
            .where(m.Case.case_number.like("US-%")).order_by(m.Case.case_number)
        ).all()  # fmt: skip
    db.dispose()
    assert [tuple(r) for r in rows] == [
        ("US-1", None, "America/New_York", "US-MA", 42.36),
        ("US-2", "US", "America/Chicago", "US-IL", 41.88),
    ]
    capsys.readouterr()
    assert main(["check", "US-1", "--date", DAY, "--crew", "3", "--db", onboarded,
                 "--lang", "en"]) in (0, 3, 4)  # fmt: skip
    assert "Rule profile US-MA" in capsys.readouterr().out  # the address's own rules


def test_a_bad_zone_or_profile_column_is_named_and_nothing_imported(
    onboarded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "case number,name,amount,dpd,timezone,profile,lat\n"
        "X-1,A,100,40,Beijing,,\n"
        "X-2,B,100,40,Asia/Shanghai,MARS,31.2\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    code = main(["import", "cases", str(path), "--creditor", "ACME", "--db", onboarded,
                 "--lang", "en"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 2
    assert 'row 2, column timezone, value "Beijing"' in out
    assert 'row 3, column profile, value "MARS"' in out
    assert "row 3, column home_lon" in out  # a latitude without its longitude (no column)
    db = Database.open(onboarded)
    with db.session_factory() as s:
        assert s.scalar(select(func.count()).where(m.Case.case_number.like("X-%"))) == 0
    db.dispose()
