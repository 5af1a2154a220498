"""Recording what debtors declared: windows, blackouts, consents and notices, audited.

One call writes a whole file (or one doorstep declaration) in one transaction or nothing; a row
that names an unknown case or a place the debtor has no address for is refused with its row and
field named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, allows, may_see_team, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.declarations import AvailabilityInput, ConsentInput
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.domain.organisation import FieldError
from fieldvisit.services.admin.organisation import Entry, OrgProblem, OrgRejected, OrgResult
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.cases.declaration_store import DeclarationWriter
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class DeclarationView:
    """One declaration as the case detail pane lists it."""

    id: int
    what: str  # window | blackout | a consent kind
    weekday: int | None
    on_date: date | None
    start: time | None
    end: time | None
    until: date | None
    source: str
    declared_on: date | None


class Declarations:
    def __init__(self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock):
        self._sessions, self._audit, self._clock = session_factory, audit, clock

    def record(
        self,
        actor: Actor,
        windows: Sequence[Entry[AvailabilityInput]] = (),
        consents: Sequence[Entry[ConsentInput]] = (),
        unread: Sequence[OrgProblem] = (),
    ) -> OrgResult:
        """Write every declaration or none; at the door a collector records one for the case."""
        if not (allows(actor, Permission.IMPORT_DATA) or allows(actor, Permission.RECORD_VISIT)):
            require(actor, Permission.IMPORT_DATA)
        problems: list[OrgProblem] = list(unread)  # rows of the same file that could not be read
        ids: list[int] = []
        with self._sessions.begin() as session:
            for entry in windows:
                ids += self._one(session, actor, entry, problems, self._window)
            for consent in consents:
                ids += self._one(session, actor, consent, problems, self._consent)
            if problems:
                raise OrgRejected(problems)
        return OrgResult(created=len(ids), ids=tuple(ids))

    def case_reference(self, actor: Actor, case_id: int) -> tuple[str, str]:
        """The case number and creditor code a declaration names (the case detail pane)."""
        with self._sessions() as session:
            row = session.execute(
                select(m.Case.case_number, m.Creditor.code, m.Case.team_id)
                .join(m.Creditor)
                .where(m.Case.id == case_id)
            ).first()
        if row is None or not may_see_team(actor, row[2]):
            raise PermissionDeniedError("error.permission.team", role=actor.role.value,
                                        team=row[2] if row else "-")  # fmt: skip
        return row[0], row[1]

    def _one(self, session: Session, actor: Actor, entry: Entry[Any], problems: list[OrgProblem],
             write: object) -> list[int]:  # fmt: skip
        try:
            return [write(session, actor, entry.item)]  # type: ignore[operator]
        except FieldError as error:
            problems.append(
                OrgProblem(entry.sheet, entry.row, error.field, error.value, error.message)
            )
            return []

    def _window(self, session: Session, actor: Actor, item: AvailabilityInput) -> int:
        writer = DeclarationWriter(session, self._audit, actor, self._clock())
        return writer.window(writer.case(item.case, item.creditor), item)

    def _consent(self, session: Session, actor: Actor, item: ConsentInput) -> int:
        writer = DeclarationWriter(session, self._audit, actor, self._clock())
        return writer.consent(writer.case(item.case, item.creditor), item)

    def for_case(self, actor: Actor, case_id: int) -> list[DeclarationView]:
        """The debtor's declarations, windows first, as the case detail pane shows them."""
        with self._sessions() as session:
            case = session.get(m.Case, case_id)
            if case is None or not may_see_team(actor, case.team_id):
                raise PermissionDeniedError("error.permission.team", role=actor.role.value,
                                            team=case.team_id if case else "-")  # fmt: skip
            windows = session.scalars(
                select(m.Availability).where(m.Availability.debtor_id == case.debtor_id)
                .order_by(m.Availability.id)
            )  # fmt: skip
            views = [
                DeclarationView(
                    a.id,
                    a.kind,
                    a.weekday,
                    a.on_date,
                    a.start_time,
                    a.end_time,
                    None,
                    a.source,
                    a.declared_on,
                )
                for a in windows
            ]
            consents = session.scalars(
                select(m.Consent).where(m.Consent.debtor_id == case.debtor_id)
                .order_by(m.Consent.id)
            )  # fmt: skip
            views += [
                DeclarationView(
                    c.id,
                    c.kind,
                    None,
                    c.given_on,
                    None,
                    None,
                    c.valid_until,
                    c.evidence_ref or "",
                    c.given_on,
                )
                for c in consents
            ]
            return views
