"""What every import writer needs: the transaction's session, the batch, time, and callbacks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.import_rows import Validation, ValidRow
from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.services.audit import AuditLog


class ImportCancelledError(FieldVisitError):
    """The user cancelled; the transaction was rolled back and nothing changed."""


@dataclass(frozen=True)
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportContext:
    session: Session
    creditor_id: int
    batch_id: int | None
    now: datetime
    actor_id: int | None
    audit: AuditLog
    progress: ProgressCallback
    cancelled: CancelCheck
    currency: str | None = None  # ISO 4217, stored with every amount; None: the column default

    def step(self, done: int, total: int) -> None:
        """Report progress, and stop (rolling back) when the user has cancelled."""
        if self.cancelled():
            raise ImportCancelledError("import.cancelled")
        self.progress(done, total)


class Writer(Protocol):
    """Checks valid rows against the database, then writes them; one writer per import kind."""

    def check(self, validation: Validation) -> None: ...

    def write(self, rows: list[ValidRow]) -> WriteCounts: ...


def plain(value: Any) -> Any:
    """A value as the audit log's JSON payload holds it."""
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose value changed, before and after; a field absent from ``after`` is kept."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in after.items():
        if value is not None and before.get(name) != value:
            old[name], new[name] = plain(before.get(name)), plain(value)
    return old, new
