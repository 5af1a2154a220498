"""Writing a debtor's declarations inside the caller's transaction, each one audited.

The one writer of declared windows, blackouts and consents: the declarations service (files,
the case detail pane) and the check-out (what the debtor said at the door) both use it, so a
declaration is stored and audited the same way wherever it was made.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, may_see_team
from fieldvisit.domain.declarations import AvailabilityInput, ConsentInput
from fieldvisit.domain.organisation import FieldError
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m


class DeclarationWriter:
    """The writes of one action: one session, one actor, one audit log, one timestamp."""

    def __init__(self, session: Session, audit: AuditLog, actor: Actor, now: datetime) -> None:
        self.session, self._audit, self._actor, self._now = session, audit, actor, now

    def case(self, number: str, creditor: str | None) -> m.Case:
        """The case a declaration names; unknown, ambiguous or not the actor's: refused."""
        statement = select(m.Case).where(m.Case.case_number == number)
        if creditor:
            statement = statement.join(m.Creditor).where(m.Creditor.code == creditor)
        found = self.session.scalars(statement.limit(2)).all()
        if not found:
            raise FieldError("case", number, "org.error.unknown_case")
        if len(found) > 1:
            raise FieldError("creditor", creditor or "", "org.error.case_ambiguous", case=number)
        if not may_see_team(self._actor, found[0].team_id):
            raise FieldError("case", number, "org.error.case_not_yours")
        return found[0]

    def window(self, case: m.Case, item: AvailabilityInput, address_id: int | None = None) -> int:
        """A declared window or blackout of ``case``'s debtor; a place the debtor has no
        address for is refused. ``address_id`` binds it to that address of ``item.place``
        (the one a visit was made at) instead of the debtor's first address of that kind."""
        s = self.session
        if item.place is not None and address_id is None:
            address_id = s.scalar(
                select(m.Address.id)
                .where(m.Address.debtor_id == case.debtor_id, m.Address.kind == item.place.value)
                .order_by(m.Address.is_primary.desc(), m.Address.id)
            )
            if address_id is None:
                raise FieldError("place", item.place.value, "org.error.no_address")
        row = m.Availability(
            debtor_id=case.debtor_id, kind=item.kind.value, weekday=item.weekday,
            on_date=item.on_date, start_time=item.start, end_time=item.end,
            address_id=address_id, source=item.source, declared_on=item.declared_on,
            note=item.note, created_by=self._user, created_at=self._now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        after = {
            "case": case.case_number, "kind": row.kind, "weekday": row.weekday,
            "date": item.on_date.isoformat() if item.on_date else None,
            "start": item.start.isoformat("minutes"), "end": item.end.isoformat("minutes"),
            "place": item.place.value if item.place else None, "source": item.source,
            "declared_on": item.declared_on.isoformat(),
        }  # fmt: skip
        self._audit.record(s, actor_id=self._user, action="debtor.availability_added",
                           entity_type="debtor", entity_id=case.debtor_id, after=after)  # fmt: skip
        return row.id

    def consent(self, case: m.Case, item: ConsentInput) -> int:
        """A consent or notice of ``case``'s debtor."""
        row = m.Consent(
            debtor_id=case.debtor_id, kind=item.kind.value, given_on=item.given_on,
            valid_until=item.valid_until, evidence_ref=item.evidence,
            recorded_by=self._user, created_at=self._now,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        after = {
            "case": case.case_number, "kind": row.kind, "given_on": item.given_on.isoformat(),
            "valid_until": item.valid_until.isoformat() if item.valid_until else None,
            "evidence": item.evidence,
        }  # fmt: skip
        self._audit.record(self.session, actor_id=self._user, action="debtor.consent_added",
                           entity_type="debtor", entity_id=case.debtor_id, after=after)  # fmt: skip
        return row.id

    @property
    def _user(self) -> int | None:
        return self._actor.user_id or None
