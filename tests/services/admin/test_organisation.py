"""The organisation service: teams, crews, creditors and people written whole or not at all,
every change audited with before and after, managers limited to their own team's crews."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.domain.organisation import parse_crew, parse_person, parse_team
from fieldvisit.services.admin.org_files import org_batch
from fieldvisit.services.admin.org_store import Mode
from fieldvisit.services.admin.organisation import Entry, OrgAdmin, OrgBatch, OrgRejected
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.helpers import table_contents

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROFILES = ("CN", "US", "US-MA", "UK", "IE", "DE")


@pytest.fixture
def org(database: Database) -> OrgAdmin:
    return OrgAdmin(database.session_factory, AuditLog(b"k" * 32, FixedClock(NOW)), FixedClock(NOW))


@pytest.fixture
def admin(database: Database) -> Actor:
    with database.session_factory.begin() as s:
        user = m.User(username="root", display_name="Root", role="admin", created_at=NOW)
        s.add(user)
        s.flush()
        return Actor(user.id, Role.ADMIN)


def _team(code: str = "SH", profile: str = "CN", zone: str = "Asia/Shanghai") -> Entry[object]:
    values = {"code": code, "name": f"Team {code}", "profile": profile, "timezone": zone}
    return Entry(parse_team(values, PROFILES))


def _crew(team: str, name: str, **extra: str) -> Entry[object]:
    return Entry(parse_crew({"team": team, "name": name, **extra}))


def _person(username: str, role: str, team: str, crew: str = "") -> Entry[object]:
    values = {"username": username, "role": role, "team": team, "crew": crew}
    return Entry(parse_person(values))


def _audit(database: Database) -> list[m.AuditEntry]:
    with database.session_factory() as s:
        return list(s.scalars(select(m.AuditEntry).order_by(m.AuditEntry.seq)))


def test_a_team_crew_and_people_in_one_batch(org: OrgAdmin, admin: Actor) -> None:
    batch = OrgBatch(
        teams=[_team()],
        crews=[_crew("SH", "A组", shift_start="09:00", shift_end="17:30", max_visits="6")],
        people=[
            _person("zhang", "collector", "SH", "A组"),
            _person("li", "collector", "SH", "A组"),
        ],
    )  # type: ignore[arg-type]
    result = org.apply(admin, batch)
    assert (result.created, result.updated, result.warnings) == (4, 0, ())
    (crew,) = org.crews(admin)
    assert crew.members == ("li", "zhang")
    assert (crew.day.shift_start, crew.day.max_visits) == (time(9, 0), 6)
    assert crew.day.break_minutes == 45  # not set: the product's default day
    assert org.day_template(crew.id).shift_end == time(17, 30)


def test_a_change_is_audited_with_before_and_after(
    org: OrgAdmin, admin: Actor, database: Database
) -> None:
    org.apply(admin, OrgBatch(teams=[_team()]))  # type: ignore[list-item]
    again = org.apply(admin, OrgBatch(teams=[_team()]))  # type: ignore[list-item]
    assert again.unchanged == 1
    org.apply(admin, OrgBatch(teams=[_team(zone="Asia/Urumqi")]), Mode.EDIT)  # type: ignore[list-item]
    changes = [e for e in _audit(database) if e.action.startswith("org.team")]
    assert [e.action for e in changes] == ["org.team.created", "org.team.changed"]
    assert changes[1].payload["before"]["timezone"] == "Asia/Shanghai"
    assert changes[1].payload["after"]["timezone"] == "Asia/Urumqi"
    assert changes[1].actor_id == admin.user_id


def test_a_bad_record_writes_nothing_and_names_every_problem(
    org: OrgAdmin, admin: Actor, database: Database
) -> None:
    before = table_contents(database.engine)
    batch = OrgBatch(
        teams=[Entry(_team().item, "teams", 2)],
        crews=[Entry(_crew("NOPE", "A组").item, "crews", 2)],
        people=[Entry(_person("wang", "collector", "SH", "B组").item, "people", 3)],
    )  # type: ignore[arg-type]
    with pytest.raises(OrgRejected) as refused:
        org.apply(admin, batch)
    found = {(p.sheet, p.row, p.field, p.value) for p in refused.value.problems}
    assert found == {("crews", 2, "team", "NOPE"), ("people", 3, "crew", "B组")}
    assert table_contents(database.engine) == before


def test_add_refuses_an_existing_record_and_edit_a_missing_one(org: OrgAdmin, admin: Actor) -> None:
    org.apply(admin, OrgBatch(teams=[_team()]), Mode.ADD)  # type: ignore[list-item]
    with pytest.raises(OrgRejected) as twice:
        org.apply(admin, OrgBatch(teams=[_team()]), Mode.ADD)  # type: ignore[list-item]
    assert twice.value.problems[0].message.id == "org.error.exists"
    with pytest.raises(OrgRejected) as missing:
        org.apply(admin, OrgBatch(teams=[_team("BJ")]), Mode.EDIT)  # type: ignore[list-item]
    assert missing.value.problems[0].message.id == "org.error.unknown"


def test_a_crew_of_one_in_a_two_collector_team_is_allowed_but_said(
    org: OrgAdmin, admin: Actor
) -> None:
    batch = OrgBatch(
        teams=[_team(), _team("BOS", "US", "America/New_York")],
        crews=[_crew("SH", "独行"), _crew("BOS", "Solo")],
        people=[
            _person("zhang", "collector", "SH", "独行"),
            _person("jo", "collector", "BOS", "Solo"),
        ],
    )  # type: ignore[arg-type]
    result = org.apply(admin, batch)
    assert [(w.id, w.params["crew"], w.params["min"]) for w in result.warnings] == [
        ("org.warning.crew_too_small", "独行", 2)
    ]  # the US profile lets one collector visit


def test_a_manager_changes_only_their_own_teams_crews(
    org: OrgAdmin, admin: Actor, database: Database
) -> None:
    batch = OrgBatch(teams=[_team(), _team("BJ")], crews=[_crew("SH", "A组"), _crew("BJ", "京一")],
                     people=[_person("boss", "manager", "SH")])  # type: ignore[arg-type]  # fmt: skip
    org.apply(admin, batch)
    with database.session_factory() as s:
        boss = s.scalar(select(m.User).where(m.User.username == "boss"))
        assert boss is not None
        manager = Actor(boss.id, Role.MANAGER, boss.team_id)
    edited = org.apply(manager, OrgBatch(crews=[_crew("SH", "A组", max_visits="5")]), Mode.EDIT)  # type: ignore[list-item]
    assert edited.updated == 1
    with pytest.raises(PermissionDeniedError):
        org.apply(manager, OrgBatch(crews=[_crew("BJ", "京一", max_visits="5")]), Mode.EDIT)  # type: ignore[list-item]
    with pytest.raises(PermissionDeniedError):
        org.apply(manager, OrgBatch(teams=[_team("GZ")]))  # type: ignore[list-item]
    assert [c.team for c in org.crews(manager)] == ["SH"]
    collector = Actor(99, Role.COLLECTOR, boss.team_id)
    with pytest.raises(PermissionDeniedError):
        org.teams(collector)


def test_an_xlsx_file_with_one_sheet_per_kind(
    org: OrgAdmin, admin: Actor, database: Database, tmp_path: Path
) -> None:
    book = Workbook()
    sheets = {
        "teams": [("code", "name", "profile", "timezone"), ("SH", "上海", "CN", "Asia/Shanghai")],
        "creditors": [("code", "name", "currency"), ("ACME", "ACME", "cny")],
        "crews": [("team", "name", "shift_start", "base_lat", "base_lon"),
                  ("SH", "A组", time(8, 0), 31.23, 121.47)],
        "people": [("username", "display_name", "role", "team", "crew"),
                   ("zhang", "张伟", "collector", "SH", "A组"),
                   ("li", "李娜", "collector", "SH", "A组")],
    }  # fmt: skip
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "org.xlsx"
    book.save(path)
    batch, unread = org_batch(path)
    assert unread == []
    result = org.apply(admin, batch)
    assert result.created == 5
    assert org.creditors(admin)[0].currency == "CNY"
    assert org.crews(admin)[0].base == (31.23, 121.47)


def test_a_csv_file_names_the_row_and_column_of_each_mistake(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "record,code,name,profile,timezone,team,username,role,shift_start,shift_end\n"
        "team,SH,上海,XX,Asia/Shanghai,,,,,\n"
        "team,BJ,北京,CN,Beijing,,,,,\n"
        "crew,,A组,,,SH,,,18:00,09:00\n"
        "person,,,,,SH,zhang,boss,,\n"
        "robot,,,,,,,,,\n",
        encoding="utf-8",
    )
    _batch, unread = org_batch(path)
    found = [(p.row, p.field, p.message.id) for p in unread]
    assert found == [
        (2, "profile", "org.error.profile"),
        (3, "timezone", "org.error.timezone"),
        (4, "shift_end", "org.error.order"),
        (5, "role", "org.error.role"),
        (6, "record", "org.error.choice"),
    ]


def test_people_listed_with_their_crews_and_no_password_yet(
    org: OrgAdmin, admin: Actor, database: Database
) -> None:
    org.apply(admin, OrgBatch(teams=[_team()], crews=[_crew("SH", "A组")],
                              people=[_person("zhang", "collector", "SH", "A组")]))  # type: ignore[arg-type]  # fmt: skip
    people = {p.username: p for p in org.people(admin)}
    assert people["zhang"].crews == ("A组",)
    assert not people["zhang"].has_password
    # Moving a person to another crew of the team takes them out of the first.
    org.apply(admin, OrgBatch(crews=[_crew("SH", "B组")],
                              people=[_person("zhang", "collector", "SH", "B组")]))  # type: ignore[arg-type]  # fmt: skip
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(m.CrewMember)) == 1
    assert {p.username: p for p in org.people(admin)}["zhang"].crews == ("B组",)


@pytest.mark.parametrize(
    ("profile", "region", "accepted"),
    [("DE", "BY", True), ("UK", "SCT", True), ("DE", "XX", False), ("CN", "SH", False)],
)
def test_a_holiday_region_must_exist_in_the_profiles_calendar(
    profile: str, region: str, accepted: bool
) -> None:
    from fieldvisit.domain.organisation import FieldError

    values = {"code": "T", "name": "T", "profile": profile, "timezone": "Europe/Berlin",
              "holiday_region": region.lower()}  # fmt: skip
    if accepted:
        assert parse_team(values, PROFILES).holiday_region == region
    else:
        with pytest.raises(FieldError) as refused:
            parse_team(values, PROFILES)
        assert refused.value.field == "holiday_region"


def test_a_person_who_changes_team_leaves_the_old_crew(org: OrgAdmin, admin: Actor) -> None:
    batch = OrgBatch(teams=[_team(), _team("BJ")], crews=[_crew("SH", "A组")],
                     people=[_person("zhang", "collector", "SH", "A组")])  # type: ignore[arg-type]  # fmt: skip
    org.apply(admin, batch)
    org.apply(admin, OrgBatch(people=[_person("zhang", "collector", "BJ")]), Mode.EDIT)  # type: ignore[list-item]
    assert org.crews(admin)[0].members == ()
    assert {p.username: p for p in org.people(admin)}["zhang"].team == "BJ"
