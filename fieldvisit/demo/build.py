"""A deterministic, realistic demo data set: same seed and same day, same data."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.demo import words
from fieldvisit.demo.past import build_past
from fieldvisit.domain.enums import CaseState, Role
from fieldvisit.domain.errors import ValidationError
from fieldvisit.storage import models as m

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_MARKER = "demo"
CASE_COUNT = 400
HISTORY_DAYS = 90
BLOCKED_STATES = (
    CaseState.DISPUTED,
    CaseState.COMPLAINT_PENDING,
    CaseState.CEASE_REQUESTED,
    CaseState.ATTORNEY_REPRESENTED,
    CaseState.BANKRUPTCY,
    CaseState.DECEASED,
    CaseState.CAPACITY_CONCERN,
    CaseState.LEGAL_HOLD,
    CaseState.CLOSED,
)


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    cases: int
    contacts: int


def create_demo(
    session_factory: sessionmaker[Session],
    *,
    seed: int,
    today: date,
    before_commit: Callable[[], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo; a database that already holds it is left as it is.

    ``before_commit`` runs once the demo is written and before it commits (the command puts the
    demo's key in place there, so a committed demo chain is never without its key).
    """
    if seed < 0:
        raise ValidationError("error.demo.bad_seed")
    with session_factory.begin() as session:
        if session.get(m.AppSetting, DEMO_MARKER) is not None:
            return DemoSummary(False, _count(session, m.Case), _count(session, m.Contact))
        if _count(session, m.Case) or _count(session, m.User):
            raise ValidationError("error.demo.not_demo_db", url=_display_url(session))
        builder = _DemoBuilder(session, random.Random(seed), today)
        builder.build()
        build_past(session, builder.rng, today)  # rounds, visits, outcomes, alarms, audit
        stamp = builder.stamp
        session.add(
            m.AppSetting(
                key=DEMO_MARKER, value={"seed": seed, "today": today.isoformat()}, updated_at=stamp
            )
        )
        session.flush()
        if before_commit is not None:
            before_commit()
        return DemoSummary(True, _count(session, m.Case), _count(session, m.Contact))


def _display_url(session: Session) -> str:
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)


def _count(session: Session, model: type[m.Case] | type[m.Contact] | type[m.User]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


class _DemoBuilder:
    """Builds the data set in a fixed order so the generated ids are stable too."""

    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        # Everything is dated relative to ``today``; nothing reads the wall clock.
        self.stamp = datetime.combine(today - timedelta(days=1), time(18, 0), SHANGHAI).astimezone(
            UTC
        )
        self.teams: dict[str, m.Team] = {}
        self.crews_by_team: dict[str, list[m.Crew]] = {}
        self.users: list[m.User] = []

    def build(self) -> None:
        creditor = m.Creditor(code="DEMO-BANK", name="示例银行信用卡中心（演示数据）")
        self.session.add(creditor)
        self._organisation()
        self.session.flush()
        for number in range(1, CASE_COUNT + 1):
            self._case(creditor, number)

    def _organisation(self) -> None:
        for code, name, districts in words.TEAMS:
            office = next(d for d in words.DISTRICTS if d[0] == districts[0])
            team = m.Team(
                code=code,
                name=name,
                rule_profile="CN",
                timezone="Asia/Shanghai",  # the demo's branch is in Shanghai
                created_at=self.stamp,
            )
            self.session.add(team)
            self.teams[code] = team
            self._user(f"mgr.{code.lower()}", Role.MANAGER, team)
            crews = []
            for index in (1, 2):
                # Crews start from their team's office in the team's first district.
                crew = m.Crew(
                    team=team,
                    name=f"{name[:2]}{'甲乙'[index - 1]}队",
                    base_lat=office[1],
                    base_lon=office[2],
                )
                for member in (1, 2):
                    user = self._user(f"col.{code.lower()}.{index}{member}", Role.COLLECTOR, team)
                    crew.members.append(m.CrewMember(user=user))
                crews.append(crew)
                self.session.add(crew)
            self.crews_by_team[code] = crews
        self._user("safety.lead", Role.SAFETY_LEAD, None)
        self._user("compliance", Role.COMPLIANCE, None)
        self._user("admin", Role.ADMIN, None)

    def _user(self, username: str, role: Role, team: m.Team | None) -> m.User:
        user = m.User(
            username=username,
            display_name=self._person_name(),
            role=role.value,
            team=team,
            phone=self._phone(),
            created_at=self.stamp,
        )
        self.session.add(user)
        self.users.append(user)
        return user

    def _person_name(self) -> str:
        given = "".join(self.rng.choice(words.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(words.SURNAMES) + given

    def _phone(self) -> str:
        # 170-prefixed numbers: a virtual-operator range, clearly not a real person's mobile.
        return "170" + "".join(str(self.rng.randrange(10)) for _ in range(8))

    def _id_number(self, birth: date) -> str:
        body = f"310101{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        checksum = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
        return body + checksum

    def _case(self, creditor: m.Creditor, number: int) -> None:
        team_code, _team_name, districts = self.rng.choice(words.TEAMS)
        district = self.rng.choice([d for d in words.DISTRICTS if d[0] in districts])
        debtor = self._debtor()
        home = self._address(debtor, district, "home", primary=True)
        if self.rng.random() < 0.4:
            self._address(debtor, self.rng.choice(words.DISTRICTS), "work", primary=False)
        state = self._state()
        flags = self._flags(home)
        case = m.Case(
            creditor=creditor,
            case_number=f"WA{self.today:%Y}{number:05d}",
            debtor=debtor,
            product=self.rng.choice(words.PRODUCTS),
            amount_overdue=self._amount(),
            days_past_due=self._days_past_due(),
            state=state,
            flags=flags,
            priority=self.rng.choice((0, 0, 10, 20, 40, 60, 80)),
            legal_hold=state == CaseState.LEGAL_HOLD,
            team_id=self.teams[team_code].id,
            crew_id=self.rng.choice(self.crews_by_team[team_code]).id,
            placed_on=self.today - timedelta(days=self.rng.randrange(20, 200)),
            created_at=self.stamp,
            updated_at=self.stamp,
        )
        self.session.add(case)
        self.session.flush()
        self._availability(debtor)
        self._history(case)
        self._money(case)

    def _debtor(self) -> m.Debtor:
        birth = date(1960, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 40))
        debtor = m.Debtor(
            name=self._person_name(),
            id_number=self._id_number(birth),
            phone=self._phone(),
            gender=self.rng.choice(("男", "女")),
            birth_date=birth,
            created_at=self.stamp,
        )
        self.session.add(debtor)
        return debtor

    def _address(
        self,
        debtor: m.Debtor,
        district: tuple[str, float, float, float],
        kind: str,
        *,
        primary: bool,
    ) -> m.Address:
        name, lat, lon, spread = district
        street = self.rng.choice(words.STREET_STEMS) + self.rng.choice(words.STREET_KINDS)
        if kind == "work":
            detail = f"{street}{self.rng.randrange(1, 900)}号 {self.rng.choice(words.EMPLOYERS)}"
        else:
            compound = self.rng.choice(words.STREET_STEMS) + self.rng.choice(words.COMPOUNDS)
            building, floor, door = (self.rng.randrange(1, n) for n in (30, 30, 5))
            detail = (
                f"{street}{self.rng.randrange(1, 1500)}号{compound}{building}号楼{floor}0{door}室"
            )
        located = self.rng.random() > 0.03  # a few addresses the geocoder could not place
        address = m.Address(
            debtor=debtor,
            kind=kind,
            text=f"上海市{name}{detail}",
            city="上海市",
            district=name,
            lat=round(lat + self.rng.uniform(-spread, spread), 6) if located else None,
            lon=round(lon + self.rng.uniform(-spread, spread), 6) if located else None,
            timezone="Asia/Shanghai",
            geocode_quality=self.rng.choice(("exact", "exact", "approximate"))
            if located
            else "failed",
            geocode_source="demo",
            is_primary=primary,
        )
        self.session.add(address)
        if kind == "home" and self.rng.random() < 0.08:
            self._risk_note(address)
        return address

    def _risk_note(self, address: m.Address) -> None:
        category, note, tier, daylight, two_person = self.rng.choice(words.RISK_NOTES)
        author = self.rng.choice([u for u in self.users if u.role == Role.SAFETY_LEAD])
        self.session.add(
            m.AddressRiskNote(
                address=address,
                category=category,
                note=note,
                risk_tier=tier,
                daylight_only=daylight,
                two_person=two_person,
                author_id=author.id,
                created_at=self.stamp - timedelta(days=self.rng.randrange(1, 120)),
            )
        )

    def _state(self) -> str:
        if self.rng.random() < 0.12:
            return self.rng.choice(BLOCKED_STATES).value
        return CaseState.ACTIVE.value

    def _flags(self, home: m.Address) -> list[str]:
        flags = []
        if home.risk_notes and any(n.daylight_only for n in home.risk_notes):
            flags.append("daylight_only")
        for flag, share in (
            ("vulnerable", 0.03),
            ("consent_after_hours", 0.02),
            ("debtor_unreachable", 0.04),
        ):
            if self.rng.random() < share:
                flags.append(flag)
        return flags

    def _amount(self) -> Decimal:
        value = min(max(self.rng.lognormvariate(9.6, 0.9), 800.0), 480000.0)
        return Decimal(f"{value:.2f}")

    def _days_past_due(self) -> int:
        return min(int(self.rng.expovariate(1 / 150)) + 31, 1080)

    def _availability(self, debtor: m.Debtor) -> None:
        draw = self.rng.random()
        if draw < 0.12:
            weekday = self.rng.randrange(0, 5)
            self._declare(debtor, "window", weekday, time(18, 30), time(21, 0), "只在下班后方便")
        elif draw < 0.22:
            self._declare(debtor, "blackout", None, time(12, 0), time(14, 0), "午休时间不便")
        elif draw < 0.26:
            self._declare(
                debtor,
                "blackout",
                self.rng.randrange(5, 7),
                time(8, 0),
                time(22, 0),
                "周末照顾家人，不便上门",
            )

    def _declare(
        self, debtor: m.Debtor, kind: str, weekday: int | None, start: time, end: time, note: str
    ) -> None:
        self.session.add(
            m.Availability(
                debtor_id=debtor.id,
                kind=kind,
                weekday=weekday,
                start_time=start,
                end_time=end,
                source="debtor",
                note=note,
                created_at=self.stamp,
            )
        )

    def _history(self, case: m.Case) -> None:
        for channel, mean in (("call", 8.0), ("sms", 4.0), ("letter", 0.6)):
            for _ in range(int(self.rng.expovariate(1 / mean))):
                self._contact(case, channel, self.rng.randrange(1, HISTORY_DAYS + 1))
        day = HISTORY_DAYS - self.rng.randrange(0, 30)
        while day > 0 and self.rng.random() < 0.45:
            self._contact(case, "visit", day)
            day -= self.rng.randrange(7, 40)  # past visits kept the minimum gap

    def _contact(self, case: m.Case, channel: str, days_ago: int) -> None:
        minute = self.rng.randrange(9 * 60, 20 * 60)
        local = datetime.combine(
            self.today - timedelta(days=days_ago), time(minute // 60, minute % 60), SHANGHAI
        )
        self.session.add(
            m.Contact(
                debtor_id=case.debtor_id,
                case_id=case.id,
                channel=channel,
                occurred_at=local.astimezone(UTC),
                contacted=self.rng.random() < 0.35,
                place="home" if channel == "visit" else None,
                source="demo",
                created_at=self.stamp,
            )
        )

    def _money(self, case: m.Case) -> None:
        if self.rng.random() > 0.25:
            return
        amount = (case.amount_overdue * Decimal(self.rng.choice(("0.1", "0.2", "0.5")))).quantize(
            Decimal("0.01")
        )
        due = self.today + timedelta(days=self.rng.randrange(-40, 20))
        status = "open" if due >= self.today else self.rng.choice(("kept", "broken"))
        self.session.add(
            m.Promise(
                case_id=case.id,
                amount=amount,
                due_on=due,
                promised_at=self.stamp - timedelta(days=50),
                status=status,
                created_at=self.stamp,
            )
        )
        if status == "kept":
            self.session.add(
                m.Payment(
                    case_id=case.id,
                    amount=amount,
                    paid_on=due,
                    method=self.rng.choice(("bank_transfer", "app", "counter")),
                    source="demo",
                    created_at=self.stamp,
                )
            )
