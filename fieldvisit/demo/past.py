"""The demo's past: rounds planned, approved and carried out, outcomes, promises, alarms, audit.

Everything is drawn from the demo's own random generator after the cases exist, so the same seed
and day give the same past; it is audited with the public demo key (``DEMO_AUDIT_KEY``).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.demo.past_ledger import OUTCOMES, add_ledger, record_values
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import CaseState, Role
from fieldvisit.domain.outcomes import OutcomeCode, PersonMet
from fieldvisit.services.admin.auth import hash_password_with_salt
from fieldvisit.services.audit import (
    DEMO_AUDIT_KEY,
    AuditLog,
    DeferredAuditLog,
    sibling_key_path,
    write_key_file,
)
from fieldvisit.services.records.writing import append_visit_record
from fieldvisit.services.row_seals import seal_all
from fieldvisit.storage import models as m
from fieldvisit.storage.database import sqlite_path

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "demo1234"
PAST_WORKDAYS = 20
RULESET_VERSION = "2026.1"
MIN_GAP_RULE = "CN.min_gap_days"


@dataclass
class _Crew:
    row: m.Crew
    members: list[m.User]
    manager: m.User
    cases: list[m.Case]


def build_past(session: Session, rng: random.Random, today: date) -> None:
    """Add the past working days of every crew and their audit trail; set demo passwords."""
    # Each flush scans every object the session holds; the thousands of contacts written before
    # are not needed here, so letting go of them makes the many flushes below cheap.
    session.flush()
    session.expunge_all()
    _set_passwords(session, rng)
    clock = FixedClock(datetime.combine(today, time(0), UTC))
    audit = DeferredAuditLog(DEMO_AUDIT_KEY, clock)
    past = _Past(session, rng, audit, clock, today)
    crews = _crews(session)
    for day in _workdays(today, PAST_WORKDAYS):
        for crew in crews:
            past.round(crew, day)
    # In the order things happened, as if each had been audited at the time.
    audit.commit_to(session, chronological=True)
    # Approvals, rounds, cases and debtors as the demo leaves them, for ``audit verify``.
    seal_all(session, audit)
    _write_demo_key(session)


def _set_passwords(session: Session, rng: random.Random) -> None:
    # One hash for all demo users (same documented password): hashing is slow on purpose.
    digest = hash_password_with_salt(DEMO_PASSWORD, rng.randbytes(16))
    for user in session.scalars(select(m.User)):
        user.password_hash = digest


def _write_demo_key(session: Session) -> None:
    path = sqlite_path(session.get_bind().engine.url)
    if path is not None:
        write_key_file(sibling_key_path(path), DEMO_AUDIT_KEY)


def _min_gap(day: date, age: int) -> dict[str, Any]:
    """The planning-time check the engine writes for a visit within the minimum gap."""
    return {
        "rule": MIN_GAP_RULE,
        "severity": "approve",
        "message": "compliance.min_gap_days.too_soon",
        "params": {"age": str(age), "last": (day - timedelta(days=age)).isoformat(), "days": "7"},
        "source": {
            "zh": "GB/T 45251—2025：同一产品催收周期间隔不宜少于7个自然日（二手资料 [U]）",
            "en": "GB/T 45251-2025: collection cycles at least 7 natural days apart",
        },
    }


def _workdays(today: date, count: int) -> list[date]:
    days: list[date] = []
    day = today - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _crews(session: Session) -> list[_Crew]:
    crews = []
    for crew in session.scalars(select(m.Crew).order_by(m.Crew.id)):
        manager = session.scalars(
            select(m.User).where(m.User.team_id == crew.team_id, m.User.role == Role.MANAGER)
        ).one()
        cases = session.scalars(
            select(m.Case)
            .where(m.Case.crew_id == crew.id, m.Case.state == CaseState.ACTIVE)
            .order_by(m.Case.id)
        ).all()
        crews.append(_Crew(crew, [cm.user for cm in crew.members], manager, list(cases)))
    return crews


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


class _Past:
    def __init__(
        self,
        session: Session,
        rng: random.Random,
        audit: AuditLog,
        clock: FixedClock,
        today: date,
    ) -> None:
        self.session, self.rng, self.audit, self.clock = session, rng, audit, clock
        self.today = today
        self.ruleset_hash = "sha256:" + hashlib.sha256(RULESET_VERSION.encode()).hexdigest()

    def _audit(
        self, at: datetime, actor: m.User, action: str, kind: str, ident: Any, after: Any = None
    ) -> None:
        self.clock.now = at
        self.audit.record(
            self.session,
            actor_id=actor.id,
            action=action,
            entity_type=kind,
            entity_id=ident,
            after=after,
        )

    def round(self, crew: _Crew, day: date) -> None:
        stops = self.rng.sample(crew.cases, k=min(len(crew.cases), self.rng.randint(3, 5)))
        planner = crew.members[0]
        plan = m.Round(
            crew_id=crew.row.id,
            plan_date=day,
            status="closed",
            rule_profile="CN",
            ruleset_version=RULESET_VERSION,
            ruleset_hash=self.ruleset_hash,
            shift_start=_local(day, 9),
            shift_end=_local(day, 18),
            created_by=planner.id,
            created_at=_local(day - timedelta(days=1), 16),
            updated_at=_local(day, 18),
            submitted_at=_local(day - timedelta(days=1), 17),
        )
        self.session.add(plan)
        self.session.flush()
        self._audit(
            plan.created_at,
            planner,
            "round.created",
            "round",
            plan.id,
            {"crew": crew.row.id, "date": day.isoformat(), "stops": len(stops)},
        )
        made = [self._stop(plan, case, seq, day) for seq, case in enumerate(stops)]
        self.session.flush()
        exceptions = [
            {"stop": stop.id, "case": stop.case_id, "rules": [MIN_GAP_RULE]}
            for stop, needs in made
            if needs
        ]
        self._audit(
            _local(day - timedelta(days=1), 17), planner, "round.submitted", "round", plan.id
        )
        self._approve(plan, crew, day, exceptions)
        self._visits(crew, plan)
        self._audit(_local(day, 18, 30), planner, "round.closed", "round", plan.id)

    def _stop(self, plan: m.Round, case: m.Case, seq: int, day: date) -> tuple[m.RoundStop, bool]:
        start = _local(day, 9, 30) + timedelta(minutes=95 * seq + self.rng.randrange(0, 20))
        address = next(a for a in case.debtor.addresses if a.is_primary)
        needs_approval = self.rng.random() < 0.12
        gap = self.rng.randrange(3, 7)
        violations = [_min_gap(day, gap)] if needs_approval else []
        stop = m.RoundStop(
            round=plan,
            case_id=case.id,
            address_id=address.id,
            seq=seq,
            service_minutes=30,
            planned_arrive=start,
            planned_start=start,
            planned_end=start + timedelta(minutes=30),
            travel_seconds_before=self.rng.randrange(600, 2400),
            status="done",
            checks={
                "profile": "CN",
                "profile_version": RULESET_VERSION,
                "policy_version": None,
                "ruleset_hash": self.ruleset_hash,
                "status": "needs_approval" if needs_approval else "eligible",
                "violations": violations,
            },
        )
        self.session.add(stop)
        return stop, needs_approval

    def _approve(self, plan: m.Round, crew: _Crew, day: date, scope: list[Any]) -> None:
        at = _local(day - timedelta(days=1), 18) + timedelta(minutes=self.rng.randrange(5, 90))
        reason = "例外已核实：债务人主动约定上门时间" if scope else "路线合规，同意执行"
        approval = m.Approval(
            round_id=plan.id,
            decision="approved",
            reason=reason,
            scope=scope,
            round_version=plan.version,
            decided_by=crew.manager.id,
            decided_at=at,
        )
        self.session.add(approval)
        plan.status = "approved"
        self.session.flush()
        self._audit(
            at,
            crew.manager,
            "round.approved",
            "round",
            plan.id,
            {"approval": approval.id, "exceptions": len(scope)},
        )
        plan.status = "closed"

    def _visits(self, crew: _Crew, plan: m.Round) -> None:
        # Rows of a kind are flushed together: their ids are needed, one flush per kind is enough.
        visits = [self._new_visit(crew, stop) for stop in plan.stops]
        self.session.flush()
        sessions = [self._new_session(crew, visit) for visit in visits]
        self.session.flush()
        for visit, (safety, late) in zip(visits, sessions, strict=True):
            self._safety_log(crew, safety, late)
            self._outcome(crew, visit, safety.closed_at or safety.expected_end)

    def _new_visit(self, crew: _Crew, stop: m.RoundStop) -> m.Visit:
        assert stop.planned_start is not None
        arrived = stop.planned_start + timedelta(minutes=self.rng.randrange(-5, 25))
        departed = arrived + timedelta(minutes=self.rng.randrange(12, 45))
        visit = m.Visit(
            round_stop_id=stop.id,
            case_id=stop.case_id,
            address_id=stop.address_id,
            crew_id=crew.row.id,
            planned_start=stop.planned_start,
            planned_end=stop.planned_end,
            arrived_at=arrived,
            departed_at=departed,
            status="closed",
            created_at=arrived,
            members=[m.VisitMember(user_id=u.id) for u in crew.members],
        )
        self.session.add(visit)
        return visit

    def _new_session(self, crew: _Crew, visit: m.Visit) -> tuple[m.SafetySession, bool]:
        assert visit.arrived_at is not None
        lead = crew.members[0]
        late = self.rng.random() < 0.03  # a few missed check-outs raise an alarm
        session = m.SafetySession(
            visit_id=visit.id,
            crew_id=crew.row.id,
            opened_by=lead.id,
            opened_at=visit.arrived_at,
            expected_end=visit.arrived_at + timedelta(minutes=30 if late else 60),
            grace_minutes=5,
            risk_tier="medium",
            state="closed",
            closed_at=visit.departed_at,
            closed_by=lead.id,
        )
        self.session.add(session)
        return session, late

    def _safety_log(self, crew: _Crew, session: m.SafetySession, late: bool) -> None:
        lead, arrived = crew.members[0], session.opened_at
        departed = session.closed_at or session.expected_end
        self._event(session, "check_in", arrived, lead)
        self._audit(arrived, lead, "safety.checked_in", "safety_session", session.id)
        if late:
            self._alarm(crew, session, session.expected_end + timedelta(minutes=5), departed)
        self._event(session, "check_out", departed, lead)
        self._audit(departed, lead, "safety.checked_out", "safety_session", session.id)

    def _event(self, session: m.SafetySession, kind: str, at: datetime, actor: m.User) -> None:
        self.session.add(m.SafetyEvent(session_id=session.id, kind=kind, at=at, actor_id=actor.id))

    def _alarm(
        self, crew: _Crew, session: m.SafetySession, raised: datetime, departed: datetime
    ) -> None:
        acknowledged = raised + timedelta(minutes=self.rng.randrange(1, 9))
        resolved = max(acknowledged + timedelta(minutes=2), departed - timedelta(minutes=1))
        alarm = m.Alarm(
            session_id=session.id,
            kind="overdue",
            step=0,
            raised_at=raised,
            state="resolved",
            acknowledged_by=crew.manager.id,
            acknowledged_at=acknowledged,
            resolved_by=crew.manager.id,
            resolved_at=resolved,
            resolution_note="电话联系外访员，确认人员安全，系忘记签退。",
        )
        self.session.add(alarm)
        self.session.flush()
        for kind, at, who in (
            ("alarm", raised, None),
            ("acknowledged", acknowledged, crew.manager),
            ("resolved", resolved, crew.manager),
        ):
            self.session.add(
                m.SafetyEvent(
                    session_id=session.id, kind=kind, at=at, actor_id=who.id if who else None
                )
            )
            self.clock.now = at
            self.audit.record(
                self.session,
                actor_id=who.id if who else None,
                action=f"alarm.{kind}",
                entity_type="alarm",
                entity_id=alarm.id,
            )

    def _outcome(self, crew: _Crew, visit: m.Visit, departed: datetime) -> None:
        outcome, met = self._draw_outcome()
        case = self.session.get_one(m.Case, visit.case_id)
        day = departed.astimezone(SHANGHAI).date()
        values = record_values(self.rng, visit, case, outcome, met, day)
        values.update(recorded_by=crew.members[0].id, recorded_at=departed + timedelta(minutes=3))
        record = append_visit_record(self.session, self.audit, crew.members[0].id, values)
        add_ledger(self.session, self.rng, visit, values, departed, self.today)
        if self.rng.random() < 0.02:
            self._correct(crew, record, values)

    def _draw_outcome(self) -> tuple[OutcomeCode, PersonMet]:
        outcome, met, _ = self.rng.choices(OUTCOMES, weights=[w for *_, w in OUTCOMES])[0]
        return outcome, met

    def _correct(self, crew: _Crew, record: m.VisitRecord, values: dict[str, Any]) -> None:
        corrected = dict(values)
        corrected.update(
            version=2,
            supersedes_id=record.id,
            correction_reason="更正备注中的笔误",
            notes=(values["notes"] or "") + "（已更正）",
            recorded_by=crew.manager.id,
            recorded_at=record.recorded_at + timedelta(hours=20),
        )
        append_visit_record(self.session, self.audit, crew.manager.id, corrected, "visit.corrected")
