"""Creating a database's audit key (an explicit, audited act) and sealing rows from before seals."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import ConflictError
from fieldvisit.services.audit import AuditLog, create_key, key_fingerprint
from fieldvisit.services.row_seals import seal_all
from fieldvisit.storage.models import AuditEntry


def init_key(session_factory: sessionmaker[Session], path: Path, clock: Clock) -> str:
    """Create the key at ``path`` and record its fingerprint as the chain's next entry.

    Refused when the chain already has entries: they were signed with a key that exists
    somewhere (a backup, the server), and a second key would make them all look forged.
    """
    with session_factory.begin() as session:
        entries = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
        if entries:
            raise ConflictError(
                "error.audit.key_for_existing_chain", entries=entries, path=str(path)
            )
        key = create_key(path)
        fingerprint = key_fingerprint(key)
        try:
            AuditLog(key, clock).record(
                session,
                actor_id=None,
                action="audit.key_created",
                entity_type="audit_key",
                after={"path": str(path), "fingerprint": fingerprint},
            )
        except BaseException:
            path.unlink(missing_ok=True)  # the entry did not commit: neither does the key
            raise
    return fingerprint


def seal_baseline(session_factory: sessionmaker[Session], audit: AuditLog) -> int:
    """Seal every watched row as it is now (one ``rows.baseline`` entry per table)."""
    with session_factory.begin() as session:
        return seal_all(session, audit)
