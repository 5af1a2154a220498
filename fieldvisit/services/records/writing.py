"""Writing visit records: each version hashed and audited; a closed one is only corrected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import ConflictError, NotFoundError, ValidationError
from fieldvisit.domain.records import RECORD_FIELDS, record_audit_after, record_hash
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.services.records.verify import RECORD_ENTITY, record_values
from fieldvisit.storage import models as m

# What a correction may change; who recorded it, when and for which visit stays with the version.
CORRECTABLE = frozenset(RECORD_FIELDS) - {
    "visit_id",
    "version",
    "supersedes_id",
    "correction_reason",
    "recorded_by",
    "recorded_at",
}


# Retention blanks these and stamps anonymised_at; nothing else in a stored record ever changes.
RETENTION_FIELDS = frozenset({"notes", "evidence", "receipt_no", "anonymised_at"})


@event.listens_for(m.VisitRecord, "before_update")
def _refuse_edits(_mapper: object, _connection: object, target: m.VisitRecord) -> None:
    """Stored visit records are immutable: an ORM update is refused unless it is retention's."""
    state = inspect(target)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - RETENTION_FIELDS or "anonymised_at" not in changed:
        raise ConflictError("error.records.immutable", record=target.id)


def append_visit_record(
    session: Session,
    audit: AuditLog,
    actor_id: int,
    values: dict[str, Any],
    action: str = "visit.recorded",
) -> m.VisitRecord:
    """Store one version of a visit record with its content hash and its audit entry.

    Every writer of visit records goes through here, so ``audit verify`` finds each record's
    digest in the chain.
    """
    record = m.VisitRecord(**{k: v for k, v in values.items() if k in RECORD_FIELDS})
    record.content_hash = record_hash(values)
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        entity_type=RECORD_ENTITY,
        entity_id=record.id,
        after=record_audit_after(record.visit_id, record.content_hash),
    )
    return record


@dataclass(frozen=True)
class CorrectionResult:
    record_id: int
    version: int
    supersedes_id: int


class VisitRecordCorrections:
    """Corrections of closed visit records: a new version linked to the old one, with a reason."""

    def __init__(
        self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock
    ) -> None:
        self._sessions = session_factory
        self._audit = audit
        self._clock = clock

    def correct(
        self, actor: Actor, record_id: int, changes: dict[str, Any], reason: str
    ) -> CorrectionResult:
        require(actor, Permission.CORRECT_VISIT_RECORD)
        if not reason.strip():
            raise ValidationError("error.records.reason_required")
        unknown = set(changes) - CORRECTABLE
        if unknown:
            raise ValidationError(
                "error.records.not_correctable", fields=", ".join(sorted(unknown))
            )
        with self._sessions.begin() as session:
            old = self._latest_visible(session, actor, record_id)
            values = record_values(old)
            values.update(changes)
            values.update(
                version=old.version + 1,
                supersedes_id=old.id,
                correction_reason=reason.strip(),
                recorded_by=actor.user_id,
                recorded_at=self._clock(),
            )
            new = append_visit_record(
                session, self._audit, actor.user_id, values, "visit.corrected"
            )
            return CorrectionResult(new.id, new.version, old.id)

    def _latest_visible(self, session: Session, actor: Actor, record_id: int) -> m.VisitRecord:
        row = session.execute(
            select(m.VisitRecord)
            .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
            .join(m.Case, m.Case.id == m.Visit.case_id)
            .where(m.VisitRecord.id == record_id, visible_cases(actor))
        ).scalar_one_or_none()
        if row is None:
            raise NotFoundError("error.records.not_found", record=record_id)
        newest = session.scalar(
            select(func.max(m.VisitRecord.version)).where(m.VisitRecord.visit_id == row.visit_id)
        )
        if row.version != newest:
            # Correcting an outdated version would fork the history; correct the newest one.
            raise ConflictError("error.records.not_latest", record=record_id, version=newest)
        return row
