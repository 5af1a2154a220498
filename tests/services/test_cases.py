"""Case lists on SQLite and PostgreSQL: team scope, search, filters, sorting, eligibility."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.services.cases.queries import CaseQueries, CaseQuery, SortKey
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

STAMP = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    team_a: int
    team_b: int
    crew_a: int
    crew_b: int
    cases: dict[str, int]  # case number -> id
    debtors: dict[str, int]  # case number -> debtor id
    users: dict[str, int]  # username -> id


def _user(session: Session, name: str, role: Role, team: m.Team | None) -> m.User:
    user = m.User(username=name, display_name=name, role=role.value, team=team, created_at=STAMP)
    session.add(user)
    return user


def seed(factory: sessionmaker[Session]) -> Seeded:
    """Two teams, one crew each, five users and four cases with a full history on the first."""
    with factory.begin() as s:
        creditor = m.Creditor(code="BANK", name="银行")
        team_a = m.Team(code="A", name="Team A", timezone="Asia/Shanghai", created_at=STAMP)
        team_b = m.Team(code="B", name="Team B", timezone="Asia/Shanghai", created_at=STAMP)
        crew_a, crew_b = m.Crew(team=team_a, name="甲一队"), m.Crew(team=team_b, name="乙一队")
        s.add_all([creditor, team_a, team_b, crew_a, crew_b])
        collector = _user(s, "col.a", Role.COLLECTOR, team_a)
        users = [collector, _user(s, "col.b", Role.COLLECTOR, team_b)]
        users += [
            _user(s, "mgr.a", Role.MANAGER, team_a),
            _user(s, "compliance", Role.COMPLIANCE, None),
        ]
        retired = _user(s, "retired", Role.COLLECTOR, team_a)
        retired.active = False
        crew_a.members.append(m.CrewMember(user=collector))
        s.flush()
        rows = [
            (
                "WA001",
                "张三",
                "13800001111",
                team_a,
                crew_a,
                45,
                "1000.00",
                "active",
                "Pudong",
                31.2,
            ),
            (
                "WA002",
                "李四",
                "13900002222",
                team_a,
                crew_a,
                200,
                "5000.00",
                "disputed",
                "Xuhui",
                None,
            ),
            (
                "WA003",
                "王五",
                "13700003333",
                team_b,
                crew_b,
                400,
                "300.00",
                "active",
                "Jingan",
                31.3,
            ),
            (
                "WA004",
                "赵六_100%",
                "13600004444",
                team_b,
                crew_b,
                10,
                "80.00",
                "active",
                None,
                None,
            ),
        ]
        cases, debtors = {}, {}
        for number, name, phone, team, crew, dpd, amount, state, district, lat in rows:
            debtor = m.Debtor(
                name=name, id_number="310101199001011234", phone=phone, created_at=STAMP
            )
            street = "幸福路8号" if number == "WA003" else "长寿路1号"
            s.add(debtor)
            s.add(
                m.Address(
                    debtor=debtor,
                    kind="home",
                    text=f"上海市{district or ''}{street}3号楼101室",
                    district=district,
                    lat=lat,
                    lon=None if lat is None else 121.5,
                    timezone="Asia/Shanghai",
                    is_primary=True,
                )
            )
            case = m.Case(
                creditor=creditor,
                case_number=number,
                debtor=debtor,
                amount_overdue=Decimal(amount),
                days_past_due=dpd,
                state=state,
                team_id=team.id,
                crew_id=crew.id,
                created_at=STAMP,
                updated_at=STAMP,
            )
            s.add(case)
            s.flush()
            cases[number], debtors[number] = case.id, debtor.id
        _history(s, cases["WA001"], debtors["WA001"])
        return Seeded(
            team_a.id,
            team_b.id,
            crew_a.id,
            crew_b.id,
            cases,
            debtors,
            {u.username: u.id for u in [*users, retired]},
        )


def _history(s: Session, case_id: int, debtor_id: int) -> None:
    address = s.query(m.Address).filter_by(debtor_id=debtor_id).one()
    s.add(
        m.Address(
            debtor_id=debtor_id,
            kind="work",
            text="上海市黄浦区南京东路1号 某公司",
            district="黄浦区",
            timezone="Asia/Shanghai",
        )
    )
    s.add(m.AddressRiskNote(address_id=address.id, category="dog", note="有狗", created_at=STAMP))
    s.add(
        m.Availability(
            debtor_id=debtor_id,
            kind="window",
            weekday=2,
            start_time=time(18),
            end_time=time(21),
            created_at=STAMP,
        )
    )
    for day in (1, 5):
        s.add(
            m.Contact(
                debtor_id=debtor_id,
                case_id=case_id,
                channel="call",
                contacted=True,
                occurred_at=datetime(2026, 11, day, 3, tzinfo=UTC),
                created_at=STAMP,
            )
        )
    s.add(
        m.Promise(
            case_id=case_id,
            amount=Decimal("100"),
            due_on=date(2026, 12, 5),
            promised_at=STAMP,
            created_at=STAMP,
        )
    )
    s.add(
        m.Payment(
            case_id=case_id, amount=Decimal("50"), paid_on=date(2026, 11, 20), created_at=STAMP
        )
    )


@pytest.fixture
def seeded(database: Database) -> Seeded:
    return seed(database.session_factory)


def actor(seeded: Seeded, username: str, role: Role, team: str | None) -> Actor:
    team_id = {"a": seeded.team_a, "b": seeded.team_b, None: None}[team]
    return Actor(seeded.users[username], role, team_id)


def _numbers(queries: CaseQueries, who: Actor, query: CaseQuery) -> list[str]:
    return [row.case_number for row in queries.rows(who, queries.ids(who, query))]


def test_a_collector_sees_only_the_own_team(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "col.a", Role.COLLECTOR, "a")
    assert _numbers(queries, who, CaseQuery()) == ["WA001", "WA002"]
    assert queries.count(who) == 2
    # Asking for another team's rows by id returns nothing: the service enforces the scope.
    assert queries.rows(who, [seeded.cases["WA003"]]) == []
    assert [t.name for t in queries.filter_options(who).teams] == ["Team A"]


def test_a_team_bound_actor_without_a_team_sees_nothing(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    assert queries.ids(Actor(seeded.users["col.a"], Role.COLLECTOR, None), CaseQuery()) == []


def test_compliance_sees_every_team(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    assert _numbers(queries, who, CaseQuery()) == ["WA001", "WA002", "WA003", "WA004"]
    options = queries.filter_options(who)
    assert {t.name for t in options.teams} == {"Team A", "Team B"}
    assert {(c.name, c.parent_id) for c in options.crews} == {
        ("甲一队", seeded.team_a),
        ("乙一队", seeded.team_b),
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("wa003", ["WA003"]),  # case number, any letter case
        ("李四", ["WA002"]),  # debtor name
        ("0000333", ["WA003"]),  # phone
        ("幸福路", ["WA003"]),  # address
        ("_100%", ["WA004"]),  # LIKE wildcards are plain characters
        ("nobody", []),
    ],
)
def test_search(database: Database, seeded: Seeded, text: str, found: list[str]) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    assert _numbers(queries, who, CaseQuery(text=text)) == found


def test_filters(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    assert _numbers(queries, who, CaseQuery(team_id=seeded.team_b)) == ["WA003", "WA004"]
    assert _numbers(queries, who, CaseQuery(crew_id=seeded.crew_a)) == ["WA001", "WA002"]
    assert _numbers(queries, who, CaseQuery(state="disputed")) == ["WA002"]
    assert _numbers(queries, who, CaseQuery(dpd_bucket="31-60")) == ["WA001"]
    assert _numbers(queries, who, CaseQuery(dpd_bucket="361+")) == ["WA003"]
    assert _numbers(queries, who, CaseQuery(has_location=True)) == ["WA001", "WA003"]
    assert _numbers(queries, who, CaseQuery(has_location=False)) == ["WA002", "WA004"]


@pytest.mark.parametrize(
    ("sort", "descending", "order"),
    [
        (SortKey.DAYS_PAST_DUE, True, ["WA003", "WA002", "WA001", "WA004"]),
        (SortKey.AMOUNT, False, ["WA004", "WA003", "WA001", "WA002"]),
        (SortKey.DISTRICT, False, ["WA003", "WA001", "WA002", "WA004"]),  # no district: last
        (SortKey.DISTRICT, True, ["WA002", "WA001", "WA003", "WA004"]),  # still last
        (SortKey.TEAM, True, ["WA004", "WA003", "WA002", "WA001"]),  # ties: id, same way
    ],
)
def test_sorting_happens_in_the_database(
    database: Database, seeded: Seeded, sort: SortKey, descending: bool, order: list[str]
) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    assert _numbers(queries, who, CaseQuery(sort=sort, descending=descending)) == order


def test_eligibility_filter_plugs_in(database: Database, seeded: Seeded) -> None:
    asked: list[tuple[list[int], date]] = []

    def only_wa003(who: Actor, ids: Sequence[int], day: date) -> Collection[int]:
        assert who.role is Role.COMPLIANCE
        asked.append((list(ids), day))
        return {seeded.cases["WA003"]}

    queries = CaseQueries(database.session_factory, eligibility=only_wa003)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    day = date(2026, 12, 2)
    assert _numbers(queries, who, CaseQuery(eligible_on=day, team_id=seeded.team_b)) == ["WA003"]
    assert asked == [([seeded.cases["WA003"], seeded.cases["WA004"]], day)]


def test_eligibility_without_the_engine_is_refused(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    who = actor(seeded, "compliance", Role.COMPLIANCE, None)
    assert not queries.supports_eligibility
    with pytest.raises(ValidationError):
        queries.ids(who, CaseQuery(eligible_on=date(2026, 12, 2)))


@pytest.mark.parametrize("bad", [{"text": "x" * 101}, {"dpd_bucket": "1-2"}, {"state": "happy"}])
def test_invalid_queries_say_what_to_fix(bad: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as caught:
        CaseQuery(**bad)  # type: ignore[arg-type]
    assert caught.value.message.id.startswith("error.cases.")


def test_a_role_without_case_permission_is_refused(database: Database, seeded: Seeded) -> None:
    queries = CaseQueries(database.session_factory)
    import fieldvisit.domain.access as access

    # Every real role may see some cases; a role stripped of both permissions may not.
    stripped = dict(access.ROLE_PERMISSIONS)
    stripped[Role.SAFETY_LEAD] = frozenset()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "ROLE_PERMISSIONS", stripped)
        with pytest.raises(PermissionDeniedError):
            queries.ids(Actor(seeded.users["compliance"], Role.SAFETY_LEAD), CaseQuery())
