"""Team reports: visits per collector and day, outcome mix, promises kept, exceptions, alarms."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, aliased, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, allows, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.csv_safe import SafeWriter
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.services.records.local_days import team_zones, within_local_days
from fieldvisit.storage import models as m

Zones = Mapping[int, ZoneInfo]  # team id -> zone: a report's days are each team's local days


@dataclass(frozen=True)
class CollectorDay:
    collector: str
    day: date
    visits: int


@dataclass(frozen=True)
class AlarmStats:
    raised: int
    acknowledged: int
    mean_response_minutes: float | None
    max_response_minutes: float | None


@dataclass(frozen=True)
class TeamReport:
    start: date
    end: date
    visits: int
    per_collector_day: tuple[CollectorDay, ...]
    outcome_mix: tuple[tuple[str, int], ...]
    promises_kept: int
    promises_broken: int
    exceptions_approved: int
    alarms: AlarmStats

    @property
    def promise_kept_rate(self) -> float | None:
        decided = self.promises_kept + self.promises_broken
        return None if decided == 0 else self.promises_kept / decided


@dataclass(frozen=True)
class _Days:
    """The report's date range and each team's zone; ``at`` is a timestamp of a crew's row."""

    start: date
    end: date
    zones: Zones

    def holds(self, at: Any, *, before: int = 0) -> ColumnElement[bool]:
        """``at`` falls on the range in its crew's team's zone (``before`` days earlier too)."""
        start = self.start - timedelta(days=before)
        return within_local_days(at, m.Crew.team_id, self.zones, start, self.end)


class ReportsService:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def team_report(self, actor: Actor, start: date, end: date) -> TeamReport:
        require(actor, Permission.VIEW_REPORTS)
        with self._sessions() as session:
            days = _Days(start, end, team_zones(session))
            visits = self._visits(session, actor, days)
            kept, broken = self._promises(session, actor, start, end)
            return TeamReport(
                start=start,
                end=end,
                visits=len({v.id for v, _u, _c, _z in visits}),
                per_collector_day=_per_collector_day(visits),
                outcome_mix=self._outcomes(session, actor, days),
                promises_kept=kept,
                promises_broken=broken,
                exceptions_approved=self._exceptions(session, actor, days),
                alarms=self._alarms(session, actor, days),
            )

    def _visits(
        self, session: Session, actor: Actor, days: _Days
    ) -> list[tuple[m.Visit, m.User, m.Case, ZoneInfo]]:
        """Each visit with its collectors, case and the zone of the crew's team."""
        rows = session.execute(
            select(m.Visit, m.User, m.Case, m.Crew.team_id)
            .join(m.VisitMember, m.VisitMember.visit_id == m.Visit.id)
            .join(m.User, m.User.id == m.VisitMember.user_id)
            .join(m.Case, m.Case.id == m.Visit.case_id)
            .join(m.Crew, m.Crew.id == m.Visit.crew_id)
            .where(days.holds(m.Visit.departed_at), visible_cases(actor))
            .order_by(m.Visit.departed_at, m.Visit.id, m.User.id)
        ).all()
        return [(v, u, c, days.zones[team]) for v, u, c, team in rows]

    def _outcomes(self, session: Session, actor: Actor, days: _Days) -> tuple[tuple[str, int], ...]:
        newer = aliased(m.VisitRecord)
        rows = session.execute(
            select(m.VisitRecord.outcome_code, func.count())
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .join(m.Case, m.Case.id == m.Visit.case_id)
            .join(m.Crew, m.Crew.id == m.Visit.crew_id)
            .where(days.holds(m.VisitRecord.recorded_at))
            .where(visible_cases(actor))
            .where(~select(newer.id).where(newer.supersedes_id == m.VisitRecord.id).exists())
            .group_by(m.VisitRecord.outcome_code)
        ).all()
        return tuple(sorted(((str(code), int(n)) for code, n in rows), key=lambda r: -r[1]))

    def _promises(self, session: Session, actor: Actor, start: date, end: date) -> tuple[int, int]:
        rows = session.execute(
            select(m.Promise.status, func.count())
            .join(m.Case, m.Case.id == m.Promise.case_id)
            .where(m.Promise.due_on >= start, m.Promise.due_on <= end, visible_cases(actor))
            .group_by(m.Promise.status)
        ).all()
        counts = Counter({str(status): int(n) for status, n in rows})
        return counts["kept"], counts["broken"]

    def _exceptions(self, session: Session, actor: Actor, days: _Days) -> int:
        approvals = session.scalars(
            select(m.Approval)
            .join(m.Round, m.Round.id == m.Approval.round_id)
            .join(m.Crew, m.Crew.id == m.Round.crew_id)
            .where(m.Approval.decision == "approved")
            .where(days.holds(m.Approval.decided_at, before=1))
            .where(_crew_scope(actor))
        ).all()
        return sum(len(a.scope) for a in approvals)

    def _alarms(self, session: Session, actor: Actor, days: _Days) -> AlarmStats:
        alarms = session.scalars(
            select(m.Alarm)
            .join(m.SafetySession, m.SafetySession.id == m.Alarm.session_id)
            .join(m.Crew, m.Crew.id == m.SafetySession.crew_id)
            .where(days.holds(m.Alarm.raised_at), _crew_scope(actor))
        ).all()
        minutes = [
            (a.acknowledged_at - a.raised_at).total_seconds() / 60
            for a in alarms
            if a.acknowledged_at is not None
        ]
        return AlarmStats(
            raised=len(alarms),
            acknowledged=len(minutes),
            mean_response_minutes=sum(minutes) / len(minutes) if minutes else None,
            max_response_minutes=max(minutes) if minutes else None,
        )

    def visits_csv(self, actor: Actor, start: date, end: date, lang: str) -> str:
        """One line per visit and collector; debtor data masked unless the role sees it."""
        require(actor, Permission.VIEW_REPORTS)
        full = masking.sees_full_personal_data(actor)
        out = io.StringIO()
        writer = SafeWriter(out)
        writer.writerow(CSV_HEADERS[lang if lang in CSV_HEADERS else "en"])
        debtors: set[int] = set()
        with self._sessions.begin() as session:
            days = _Days(start, end, team_zones(session))
            for visit, user, case, zone in self._visits(session, actor, days):
                debtor = case.debtor
                debtors.add(debtor.id)
                record = visit.records[-1] if visit.records else None
                amount = _amount(record)
                writer.writerow([
                    (visit.departed_at or visit.created_at).astimezone(zone).date().isoformat(),
                    user.display_name,
                    case.case_number,
                    debtor.name if full else mask_name(debtor.name),
                    debtor.phone if full else masking.mask_phone(debtor.phone),
                    record.outcome_code if record else "",
                    "" if amount is None else format(amount, "f"),
                    # Every amount with its case's currency: a USD creditor's 12.50 is not ¥12.50.
                    "" if amount is None else case.currency,
                ])  # fmt: skip
            if full:
                # Unmasked personal data leaves the application: who, when and why, per debtor.
                purpose = f"CSV export {start}..{end}"
                session.add_all(
                    m.AccessLog(user_id=actor.user_id, debtor_id=d, at=self._clock(),
                                purpose=purpose)
                    for d in sorted(debtors)
                )  # fmt: skip
        return out.getvalue()


CSV_HEADERS = {
    "zh": ["日期", "外访员", "案件编号", "债务人", "电话", "结果", "金额", "币种"],
    "en": ["date", "collector", "case", "debtor", "phone", "outcome", "amount", "currency"],
}


def _amount(record: m.VisitRecord | None) -> Decimal | None:
    """The money a visit brought: the payment collected, else the amount promised."""
    if record is None:
        return None
    return record.payment_amount if record.payment_amount is not None else record.ptp_amount


def _crew_scope(actor: Actor) -> ColumnElement[bool]:
    """Crews whose work the actor may see: all, or the actor's own team's (none without one)."""
    if allows(actor, Permission.VIEW_ALL_CASES):
        return true()
    return m.Crew.team_id == (actor.team_id if actor.team_id is not None else -1)


def mask_name(name: str) -> str:
    return name[:1] + masking.MASK * max(len(name) - 1, 1)


def _per_collector_day(
    rows: list[tuple[m.Visit, m.User, m.Case, ZoneInfo]],
) -> tuple[CollectorDay, ...]:
    counts: Counter[tuple[str, date]] = Counter()
    for visit, user, _case, zone in rows:
        at = visit.departed_at or visit.created_at
        counts[(user.display_name, at.astimezone(zone).date())] += 1
    return tuple(CollectorDay(name, day, n) for (name, day), n in sorted(counts.items()))
