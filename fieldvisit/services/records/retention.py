"""``db retention``: anonymise or purge what is past the retention period, except legal holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.retention import ANONYMISED_NAME, RetentionPolicy
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class RetentionReport:
    """What a run changed (or, on a dry run, would change)."""

    cutoff: datetime
    dry_run: bool
    records_anonymised: int
    records_held: int
    audit_payloads_redacted: int
    debtors_anonymised: int
    access_log_purged: int
    login_attempts_purged: int


def _held_cases(session: Session) -> set[int]:
    rows = session.scalars(
        select(m.Case.id).where(or_(m.Case.legal_hold, m.Case.state == CaseState.LEGAL_HOLD))
    )
    return set(rows)


class RetentionService:
    def __init__(
        self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock
    ) -> None:
        self._sessions = session_factory
        self._audit = audit
        self._clock = clock

    def run(self, actor: Actor, policy: RetentionPolicy, *, dry_run: bool) -> RetentionReport:
        require(actor, Permission.RUN_RETENTION)
        now = self._clock()
        cutoff = policy.cutoff(now)
        with self._sessions.begin() as session:
            held = _held_cases(session)
            records, kept, held_records = self._records(session, cutoff, held, now, dry_run)
            report = RetentionReport(
                cutoff=cutoff,
                dry_run=dry_run,
                records_anonymised=records,
                records_held=kept,
                audit_payloads_redacted=self._payloads(
                    session, cutoff, held, held_records, dry_run
                ),
                debtors_anonymised=self._debtors(session, cutoff, held, dry_run),
                access_log_purged=self._purge(
                    session, m.AccessLog, m.AccessLog.at < cutoff, dry_run
                ),
                login_attempts_purged=self._purge(
                    session, m.LoginAttempt, m.LoginAttempt.at < cutoff, dry_run
                ),
            )
            if not dry_run:
                self._audit.record(
                    session,
                    actor_id=actor.user_id,
                    action="retention.run",
                    entity_type="retention",
                    after=_plain(report, policy),
                )
        return report

    def _records(
        self, session: Session, cutoff: datetime, held: set[int], now: datetime, dry_run: bool
    ) -> tuple[int, int, set[str]]:
        rows = session.execute(
            select(m.VisitRecord, m.Visit.case_id)
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .where(m.VisitRecord.recorded_at < cutoff, m.VisitRecord.anonymised_at.is_(None))
        ).all()
        done, kept, held_ids = 0, 0, set()
        for record, case_id in rows:
            if case_id in held:
                kept += 1
                held_ids.add(str(record.id))
                continue
            done += 1
            if not dry_run:
                # The content hash stays: it covers the original, and the chain holds it.
                record.notes, record.evidence, record.receipt_no = None, [], None
                record.anonymised_at = now
        return done, kept, held_ids

    def _payloads(
        self,
        session: Session,
        cutoff: datetime,
        held: set[int],
        held_records: set[str],
        dry_run: bool,
    ) -> int:
        entries = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.at < cutoff, m.AuditEntry.payload.is_not(None))
        ).all()
        held_rounds = {
            str(r)
            for r in session.scalars(
                select(m.RoundStop.round_id).where(m.RoundStop.case_id.in_(held)).distinct()
            )
        }
        count = 0
        for entry in entries:
            if _keep_payload(entry, held, held_records, held_rounds):
                continue
            count += 1
            if not dry_run:
                # Only the payload goes; the digests the entry hash covers stay.
                entry.payload = None
        return count

    def _debtors(self, session: Session, cutoff: datetime, held: set[int], dry_run: bool) -> int:
        cases = session.scalars(select(m.Case)).all()
        by_debtor: dict[int, list[m.Case]] = {}
        for case in cases:
            by_debtor.setdefault(case.debtor_id, []).append(case)
        count = 0
        for debtor_id, own in sorted(by_debtor.items()):
            expired = all(
                c.state == CaseState.CLOSED and c.updated_at < cutoff and c.id not in held
                for c in own
            )
            debtor = session.get_one(m.Debtor, debtor_id)
            if not expired or debtor.name == ANONYMISED_NAME:
                continue
            count += 1
            if not dry_run:
                _anonymise_debtor(debtor)
        return count

    def _purge(
        self,
        session: Session,
        model: type[m.AccessLog] | type[m.LoginAttempt],
        expired: ColumnElement[bool],
        dry_run: bool,
    ) -> int:
        count = len(session.scalars(select(model.id).where(expired)).all())
        if not dry_run and count:
            session.execute(delete(model).where(expired))
        return count


def _keep_payload(
    entry: m.AuditEntry, held: set[int], held_records: set[str], held_rounds: set[str]
) -> bool:
    """Whether an entry's payload must stay: it touches a case under legal hold (the case, one
    of its records, a round visiting it, or any content naming it), or it holds row seals
    (digests only, which ``audit verify`` needs)."""
    if entry.action.startswith("rows."):
        return True
    kind, identity = entry.entity_type, entry.entity_id
    if (
        (kind == "case" and identity in {str(c) for c in held})
        or (kind == "visit_record" and identity in held_records)
        or (kind == "round" and identity in held_rounds)
    ):
        return True
    return bool(_case_ids(entry.payload) & held)


def _case_ids(value: object) -> set[int]:
    """Every case id a payload names under ``case_id``, ``case``, ``case_ids`` or ``cases``."""
    found: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key in ("case_id", "case") and isinstance(inner, int | str):
                    found.update(_as_ids([inner]))
                elif key in ("case_ids", "cases") and isinstance(inner, list):
                    found.update(_as_ids(inner))
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _as_ids(values: list[object]) -> set[int]:
    return {int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())}


def _anonymise_debtor(debtor: m.Debtor) -> None:
    debtor.name, debtor.id_number, debtor.phone, debtor.birth_date = (
        ANONYMISED_NAME,
        None,
        None,
        None,
    )
    for address in debtor.addresses:
        address.text = masking.mask_address(address.text, address.district) or ""
        address.lat = address.lon = None


def _plain(report: RetentionReport, policy: RetentionPolicy) -> dict[str, object]:
    values = asdict(report)
    values["cutoff"] = report.cutoff.isoformat()
    values["years"] = policy.years
    return values
