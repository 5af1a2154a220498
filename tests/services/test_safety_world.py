"""A small team for the safety and field tests: a crew of two, a manager, a safety lead, a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import RiskCategory, RiskTier, Role
from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PersonMet, VisitOutcome
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.field.risk_register import NewRiskNote, RiskRegister
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.visits import CheckIn, FieldVisits, SessionInfo
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
KEY = b"k" * 32


@dataclass
class World:
    db: Database
    clock: FixedClock
    deps: SafetyDeps
    collector: Actor
    partner: Actor
    manager: Actor
    lead: Actor
    team_id: int
    crew_id: int
    case_id: int
    address_id: int

    def start_visit(self) -> int:
        return FieldVisits(self.deps).start_visit(
            self.collector, self.case_id, self.crew_id, self.address_id
        )

    def check_in(self, **options: object) -> SessionInfo:
        visit_id = self.start_visit()
        return FieldVisits(self.deps).check_in(self.collector, CheckIn(visit_id, **options))  # type: ignore[arg-type]

    def mark_risk(self, tier: RiskTier) -> None:
        note = NewRiskNote(self.address_id, RiskCategory.VIOLENCE_HISTORY, "曾有过激行为", tier)
        RiskRegister(self.deps).add_note(self.lead, note)


def _user(s: Session, name: str, role: Role, team: m.Team | None) -> m.User:
    user = m.User(username=name, display_name=name, role=role.value, team=team, created_at=T0)
    s.add(user)
    return user


def build_world(
    db: Database, url_clock: FixedClock | None = None, zone: str = "Asia/Shanghai"
) -> World:
    """One team in ``zone`` (its address there too), a crew of two, a manager, a safety lead."""
    clock = url_clock or FixedClock(T0)
    with db.session_factory.begin() as s:
        team = m.Team(code="T1", name="一组", timezone=zone, created_at=T0)
        collector = _user(s, "col.a", Role.COLLECTOR, team)
        partner = _user(s, "col.b", Role.COLLECTOR, team)
        manager = _user(s, "mgr", Role.MANAGER, team)
        lead = _user(s, "lead", Role.SAFETY_LEAD, None)
        s.add(team)
        s.flush()
        crew = m.Crew(team=team, name="甲队")
        crew.members = [m.CrewMember(user=collector), m.CrewMember(user=partner)]
        creditor = m.Creditor(code="B", name="银行")
        debtor = m.Debtor(name="王某", created_at=T0)
        address = m.Address(debtor=debtor, text="上海市静安区某路1号", timezone=zone)
        case = m.Case(
            creditor=creditor, case_number="WA1", debtor=debtor, amount_overdue=Decimal("5000"),
            days_past_due=90, team_id=team.id, created_at=T0, updated_at=T0,
        )  # fmt: skip
        s.add_all([crew, case, address])
        s.flush()
        ids = (team.id, crew.id, case.id, address.id)
        people = [
            Actor(collector.id, Role.COLLECTOR, team.id, frozenset({crew.id}), "col.a"),
            Actor(partner.id, Role.COLLECTOR, team.id, frozenset({crew.id}), "col.b"),
            Actor(manager.id, Role.MANAGER, team.id, frozenset(), "mgr"),
            Actor(lead.id, Role.SAFETY_LEAD, None, frozenset(), "lead"),
        ]
    deps = SafetyDeps(db.session_factory, AuditLog(KEY, clock), clock)
    return World(db, clock, deps, *people, *ids)


def outcome(code: OutcomeCode = OutcomeCode.REFUSED, **changes: object) -> VisitOutcome:
    values: dict[str, object] = {
        "person_met": PersonMet.DEBTOR,
        "outcome": code,
        "next_action": NextAction.PHONE_CALL,
        "next_action_date": date(2026, 12, 3),
        "notes": "债务人表示本月无力还款。",
    }
    values.update(changes)
    return VisitOutcome(**values)  # type: ignore[arg-type]
