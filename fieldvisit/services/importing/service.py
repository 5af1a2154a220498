"""Importing a creditor's case files, contact logs and payments: one action, one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import ConflictError, ValidationError
from fieldvisit.domain.import_fields import FIELDS, ImportKind, merge_mapping
from fieldvisit.domain.import_rows import RowError, Table, Validation, validate_table
from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.importing.cases import CaseWriter
from fieldvisit.services.importing.context import (
    ImportContext,
    WriteCounts,
    Writer,
)
from fieldvisit.services.importing.files import read_table
from fieldvisit.services.importing.ledger import ContactWriter, PaymentWriter
from fieldvisit.storage import importing as repo
from fieldvisit.storage import models as m

WRITERS: Mapping[ImportKind, Callable[[ImportContext], Writer]] = {
    ImportKind.CASES: CaseWriter,
    ImportKind.CONTACTS: ContactWriter,
    ImportKind.PAYMENTS: PaymentWriter,
}
DEFAULT_MAPPING_NAME = "default"
REPORT_ERRORS_KEPT = 1000  # the batch keeps the first errors; the full list went to the user


@dataclass(frozen=True)
class ImportRequest:
    """What to import and how; ``mapping`` (header → field) overrides saved and default ones."""

    kind: ImportKind
    filename: str
    creditor_code: str | None = None
    mapping: Mapping[str, str] | None = None
    mapping_name: str | None = None
    save_mapping_as: str | None = None
    dry_run: bool = False
    keep_valid: bool = False
    # The file's decimal mark ("," for 12,50); amounts with the other mark out of place are errors.
    decimal: str = "."
    # ISO 4217 code stored with the amounts; None: the creditor's currency.
    currency: str | None = None


def _creditor_currency(session: Session, creditor_id: int) -> str | None:
    """The creditor's currency (organisation set-up); None when it was never stated."""
    value = session.scalar(select(m.Creditor.currency).where(m.Creditor.id == creditor_id))
    return str(value) if value else None


@dataclass(frozen=True)
class ImportReport:
    """The result handed to the CLI and the dialog; ``committed`` says whether anything changed."""

    kind: ImportKind
    filename: str
    total: int
    counts: WriteCounts
    errors: tuple[RowError, ...]
    committed: bool
    mapping: Mapping[str, str]
    batch_id: int | None = None

    @property
    def rejected(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def imported(self) -> int:
        return (
            self.counts.created + self.counts.updated + self.counts.unchanged
            if self.committed
            else 0
        )


@dataclass(frozen=True)
class ImportPreview:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    mapping: Mapping[str, str]
    fields: tuple[str, ...]
    required: tuple[str, ...] = field(default_factory=tuple)


class _Abort(Exception):  # noqa: N818  (control flow: leave the transaction without committing)
    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


def _no_progress(done: int, total: int) -> None:
    return None


def _never() -> bool:
    return False


class ImportService:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        audit: AuditLog,
        clock: Clock,
    ) -> None:
        # No default zone: an address takes the file's time zone column or its case's team's.
        self._session_factory = session_factory
        self._audit = audit
        self._clock = clock

    def preview(
        self, path: Path, kind: ImportKind, creditor_code: str | None = None, rows: int = 20
    ) -> ImportPreview:
        """The file's headers, its first rows, and the mapping an import would use by default."""
        table = read_table(path)
        with self._session_factory() as session:
            creditor = repo.creditor_id(session, creditor_code) if creditor_code else None
            saved = repo.saved_mapping(session, creditor, kind.value, DEFAULT_MAPPING_NAME)
        specs = FIELDS[kind]
        return ImportPreview(
            table.headers,
            tuple(tuple(r) for r in table.rows[:rows]),
            merge_mapping(kind, table.headers, saved),
            tuple(s.name for s in specs),
            tuple(s.name for s in specs if s.required),
        )

    def run_file(
        self,
        path: Path,
        request: ImportRequest,
        actor: Actor | None = None,
        progress: ProgressCallback = _no_progress,
        cancelled: CancelCheck = _never,
    ) -> tuple[ImportReport, Table]:
        """Read ``path`` and import it (see ``run``); the table comes back for an error file."""
        table = read_table(path)
        return self.run(table, request, actor, progress, cancelled), table

    def run(
        self,
        table: Table,
        request: ImportRequest,
        actor: Actor | None = None,
        progress: ProgressCallback = _no_progress,
        cancelled: CancelCheck = _never,
    ) -> ImportReport:
        """Validate every row, then write all of them in one transaction, or nothing.

        With ``keep_valid`` the valid rows are written and the rest reported; with ``dry_run``
        nothing is written at all. ``actor`` None is the command line run by the operator.
        """
        if actor is not None:
            require(actor, Permission.IMPORT_DATA)
        try:
            with self._session_factory.begin() as session:
                return self._run(session, table, request, actor, progress, cancelled)
        except _Abort as abort:
            return abort.report
        except IntegrityError as exc:
            # Another import (or an edit) wrote the same cases first; this one rolled back whole.
            raise ConflictError(
                "import.error.concurrent",
                file=request.filename,
                detail=str(exc.orig).splitlines()[0][:200],
            ) from exc

    def _run(
        self,
        session: Session,
        table: Table,
        request: ImportRequest,
        actor: Actor | None,
        progress: ProgressCallback,
        cancelled: CancelCheck,
    ) -> ImportReport:
        creditor = self._creditor(session, request)
        mapping = self._mapping(session, creditor, table, request)
        validation = validate_table(request.kind, table, mapping, decimal=request.decimal)
        context = ImportContext(
            session, creditor, None, self._clock(),
            None if actor is None else actor.user_id, self._audit, progress, cancelled,
            currency=request.currency or _creditor_currency(session, creditor),
        )  # fmt: skip
        writer = WRITERS[request.kind](context)
        if not any(e.row == 1 for e in validation.errors):
            writer.check(validation)
        failed = bool(validation.errors) and not request.keep_valid
        if request.dry_run or failed or any(e.row == 1 for e in validation.errors):
            raise _Abort(self._report(request, validation, mapping, WriteCounts(), None))
        batch = repo.add_batch(
            session, kind=request.kind.value, filename=request.filename[-300:],
            creditor_id=creditor, imported_by=context.actor_id, imported_at=context.now,
            rows_total=validation.total, rows_imported=0, rows_rejected=0,
        )  # fmt: skip
        context.batch_id = batch.id
        if request.save_mapping_as:
            # Every header is saved, unmapped ones as "", so a reuse maps exactly these columns.
            full = {header: mapping.get(header, "") for header in table.headers if header}
            repo.save_mapping(
                session, creditor, request.kind.value, request.save_mapping_as, full, context.now
            )
        counts = writer.write(validation.valid)
        report = self._report(request, validation, mapping, counts, batch.id, committed=True)
        self._finish(context, batch, report, request)
        return report

    def _finish(
        self,
        context: ImportContext,
        batch: m.ImportBatch,
        report: ImportReport,
        request: ImportRequest,
    ) -> None:
        batch.rows_imported = report.imported
        batch.rows_rejected = report.rejected
        batch.report = json.dumps(
            {
                "created": report.counts.created,
                "updated": report.counts.updated,
                "unchanged": report.counts.unchanged,
                "errors": [
                    {"row": e.row, "column": e.column, "value": e.value, "message": e.message.id}
                    for e in report.errors[:REPORT_ERRORS_KEPT]
                ],
            },
            ensure_ascii=False,
        )
        self._audit.record(
            context.session,
            actor_id=context.actor_id,
            action=f"import.{request.kind.value}",
            entity_type="import_batch",
            entity_id=batch.id,
            after={
                "filename": batch.filename,
                "creditor_id": context.creditor_id,
                "total": report.total,
                "created": report.counts.created,
                "updated": report.counts.updated,
                "unchanged": report.counts.unchanged,
                "rejected": report.rejected,
            },
        )
        context.step(report.total, report.total)

    def _creditor(self, session: Session, request: ImportRequest) -> int:
        """The creditor named, or the only one; a case file may introduce a new creditor."""
        if request.creditor_code:
            found = repo.creditor_id(session, request.creditor_code)
            if found is not None:
                return found
            if request.kind is ImportKind.CASES:
                return repo.create_creditor(session, request.creditor_code, request.creditor_code)
            raise ValidationError("import.error.unknown_creditor", code=request.creditor_code)
        codes = repo.creditor_codes(session)
        if len(codes) != 1:
            raise ValidationError("import.error.creditor_needed", known=", ".join(codes) or "-")
        found = repo.creditor_id(session, codes[0])
        assert found is not None  # the code was just read in this transaction
        return found

    def _mapping(
        self, session: Session, creditor: int, table: Table, request: ImportRequest
    ) -> dict[str, str]:
        if request.mapping is not None:
            return {h: f for h, f in request.mapping.items() if f}
        name = request.mapping_name or DEFAULT_MAPPING_NAME
        saved = repo.saved_mapping(session, creditor, request.kind.value, name)
        if saved is None and request.mapping_name:
            raise ValidationError("import.error.unknown_mapping", name=request.mapping_name)
        return merge_mapping(request.kind, table.headers, saved)

    def _report(
        self,
        request: ImportRequest,
        validation: Validation,
        mapping: Mapping[str, str],
        counts: WriteCounts,
        batch_id: int | None,
        *,
        committed: bool = False,
    ) -> ImportReport:
        errors = tuple(sorted(validation.errors, key=lambda e: e.row))
        return ImportReport(
            request.kind, request.filename, validation.total, counts, errors, committed,
            dict(mapping), batch_id,
        )  # fmt: skip

    def save_mapping(
        self, creditor_code: str | None, kind: ImportKind, name: str, mapping: Mapping[str, str]
    ) -> None:
        with self._session_factory.begin() as session:
            creditor = repo.creditor_id(session, creditor_code) if creditor_code else None
            repo.save_mapping(session, creditor, kind.value, name, mapping, self._clock())

    def creditors(self) -> list[str]:
        with self._session_factory() as session:
            return repo.creditor_codes(session)


def last_import_time(
    session_factory: sessionmaker[Session],
    kind: ImportKind = ImportKind.CONTACTS,
    creditor_code: str | None = None,
) -> datetime | None:
    """When ``kind`` rows were last imported: verdicts show "contact data as of" this time."""
    with session_factory() as session:
        creditor = repo.creditor_id(session, creditor_code) if creditor_code else None
        if creditor_code and creditor is None:
            return None
        return repo.last_import_at(session, kind.value, creditor)
