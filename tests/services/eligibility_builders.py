"""A small builder of teams, crews, cases and their facts for eligibility tests (both backends)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.storage import models as m

STAMP = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 2)  # a Wednesday, no holiday in any profile
SHANGHAI = "Asia/Shanghai"


@dataclass
class Builder:
    """Writes rows through the storage models, one short transaction per call."""

    session_factory: sessionmaker[Session]
    _numbers: count[int] = field(default_factory=lambda: count(1))
    creditor_id: int | None = None

    def team(self, code: str = "T1", profile: str = "CN", tz: str = SHANGHAI) -> int:
        with self.session_factory.begin() as s:
            if self.creditor_id is None:
                creditor = s.scalar(select(m.Creditor).where(m.Creditor.code == "BANK"))
                if creditor is None:
                    creditor = m.Creditor(code="BANK", name="Test bank")
                    s.add(creditor)
                    s.flush()
                self.creditor_id = creditor.id
            team = m.Team(code=code, name=f"Team {code}", rule_profile=profile, timezone=tz)
            team.created_at = STAMP
            s.add(team)
            s.flush()
            return team.id

    def user(self, username: str, role: Role, team_id: int | None) -> Actor:
        with self.session_factory.begin() as s:
            user = m.User(
                username=username,
                display_name=username,
                role=role.value,
                team_id=team_id,
                created_at=STAMP,
            )
            s.add(user)
            s.flush()
            return Actor(user.id, role, team_id, display_name=username)

    def crew(self, team_id: int, members: int = 2, name: str | None = None) -> int:
        with self.session_factory.begin() as s:
            crew = m.Crew(team_id=team_id, name=name or f"crew{next(self._numbers)}")
            for _ in range(members):
                number = next(self._numbers)
                user = m.User(
                    username=f"col{number}",
                    display_name=f"Collector {number}",
                    role=Role.COLLECTOR.value,
                    team_id=team_id,
                    created_at=STAMP,
                )
                crew.members.append(m.CrewMember(user=user))
            s.add(crew)
            s.flush()
            return crew.id

    def case(
        self,
        team_id: int,
        crew_id: int | None = None,
        *,
        state: str = "active",
        flags: tuple[str, ...] = (),
        tz: str = SHANGHAI,
        jurisdiction: str | None = None,
        rule_profile: str | None = None,
        kind: str = "home",
        lat: float | None = 31.23,
        lon: float | None = 121.47,
        debtor_id: int | None = None,
        legal_hold: bool = False,
        state_until: date | None = None,
    ) -> tuple[int, int, int]:
        """A case with its debtor and primary address: ``(case_id, debtor_id, address_id)``."""
        number = next(self._numbers)
        with self.session_factory.begin() as s:
            if debtor_id is None:
                debtor = m.Debtor(name=f"Debtor {number}", created_at=STAMP)
                s.add(debtor)
                s.flush()
                debtor_id = debtor.id
            address = m.Address(
                debtor_id=debtor_id,
                kind=kind,
                text=f"Street {number}",
                lat=lat,
                lon=lon,
                timezone=tz,
                jurisdiction=jurisdiction,
                is_primary=True,
            )
            case = m.Case(
                creditor_id=self.creditor_id,
                case_number=f"C{number:05d}",
                debtor_id=debtor_id,
                amount_overdue=Decimal("1000.00"),
                days_past_due=60,
                state=state,
                state_until=state_until,
                flags=list(flags),
                legal_hold=legal_hold,
                team_id=team_id,
                crew_id=crew_id,
                rule_profile=rule_profile,
                created_at=STAMP,
                updated_at=STAMP,
            )
            s.add_all([address, case])
            s.flush()
            return case.id, debtor_id, address.id

    def address(self, debtor_id: int, kind: str = "work", tz: str = SHANGHAI) -> int:
        with self.session_factory.begin() as s:
            address = m.Address(debtor_id=debtor_id, kind=kind, text="Elsewhere", timezone=tz)
            s.add(address)
            s.flush()
            return address.id

    def contact(
        self,
        debtor_id: int,
        day: date,
        at: time = time(10, 0),
        *,
        channel: str = "visit",
        contacted: bool = False,
        tz: str = SHANGHAI,
    ) -> None:
        occurred = datetime.combine(day, at, ZoneInfo(tz)).astimezone(UTC)
        with self.session_factory.begin() as s:
            s.add(
                m.Contact(
                    debtor_id=debtor_id,
                    channel=channel,
                    occurred_at=occurred,
                    contacted=contacted,
                    created_at=STAMP,
                )
            )

    def availability(
        self,
        debtor_id: int,
        kind: str,
        start: time,
        end: time,
        *,
        weekday: int | None = None,
        on_date: date | None = None,
        address_id: int | None = None,
    ) -> None:
        with self.session_factory.begin() as s:
            s.add(
                m.Availability(
                    debtor_id=debtor_id,
                    kind=kind,
                    weekday=weekday,
                    on_date=on_date,
                    start_time=start,
                    end_time=end,
                    address_id=address_id,
                    created_at=STAMP,
                )
            )

    def consent(
        self, debtor_id: int, kind: str, given_on: date, valid_until: date | None = None
    ) -> None:
        with self.session_factory.begin() as s:
            s.add(
                m.Consent(
                    debtor_id=debtor_id,
                    kind=kind,
                    given_on=given_on,
                    valid_until=valid_until,
                    created_at=STAMP,
                )
            )

    def risk_note(
        self,
        address_id: int,
        *,
        daylight_only: bool = False,
        two_person: bool = False,
        retired: bool = False,
    ) -> None:
        with self.session_factory.begin() as s:
            s.add(
                m.AddressRiskNote(
                    address_id=address_id,
                    category="violence_history",
                    note="Threats on the last visit.",
                    risk_tier="high",
                    daylight_only=daylight_only,
                    two_person=two_person,
                    created_at=STAMP,
                    retired_at=STAMP if retired else None,
                )
            )

    def planned_stop(
        self, crew_id: int, case_id: int, address_id: int, day: date, status: str = "draft"
    ) -> None:
        with self.session_factory.begin() as s:
            rnd = m.Round(
                crew_id=crew_id,
                plan_date=day,
                status=status,
                rule_profile="CN",
                ruleset_version="2026.1",
                ruleset_hash="sha256:test",
                created_at=STAMP,
                updated_at=STAMP,
            )
            rnd.stops.append(
                m.RoundStop(case_id=case_id, address_id=address_id, seq=1, service_minutes=30)
            )
            s.add(rnd)

    def policy(
        self,
        team_id: int,
        settings: dict[str, object],
        effective_from: date,
        *,
        profile: str = "CN",
        version: int = 1,
    ) -> None:
        with self.session_factory.begin() as s:
            s.add(
                m.Policy(
                    team_id=team_id,
                    profile=profile,
                    version=version,
                    settings=settings,
                    effective_from=effective_from,
                    reason="test",
                    created_at=STAMP,
                )
            )
