"""One case's situation for the detail pane: masked by default, full only with a logged access."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.storage import models as m

CONTACT_LIMIT = 100  # the pane shows recent history; the records screen has the rest
MAX_PURPOSE_LENGTH = 200


@dataclass(frozen=True)
class RiskNoteView:
    category: str
    note: str
    risk_tier: str
    daylight_only: bool
    two_person: bool


@dataclass(frozen=True)
class AddressView:
    id: int
    kind: str
    text: str
    district: str | None
    lat: float | None
    lon: float | None
    geocode_quality: str
    is_primary: bool
    risk_notes: tuple[RiskNoteView, ...] = ()


@dataclass(frozen=True)
class AvailabilityView:
    kind: str  # window | blackout
    weekday: int | None
    on_date: date | None
    start: time
    end: time
    note: str | None


@dataclass(frozen=True)
class ContactView:
    occurred_at: datetime
    channel: str
    contacted: bool
    outcome: str | None


@dataclass(frozen=True)
class PromiseView:
    amount: Decimal
    due_on: date
    status: str


@dataclass(frozen=True)
class PaymentView:
    amount: Decimal
    paid_on: date
    method: str | None


@dataclass(frozen=True)
class CaseDetail:
    case_id: int
    case_number: str
    debtor_id: int
    debtor_name: str
    id_number: str | None
    phone: str | None
    state: str
    state_until: date | None
    flags: tuple[str, ...]
    days_past_due: int
    amount_overdue: Decimal
    currency: str
    team: str | None
    crew: str | None
    addresses: tuple[AddressView, ...]
    availability: tuple[AvailabilityView, ...]
    contacts: tuple[ContactView, ...]
    promises: tuple[PromiseView, ...]
    payments: tuple[PaymentView, ...]
    masked: bool


class CaseDetails:
    """The detail pane's service: who may see what is decided here, not in the widget."""

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def detail(self, actor: Actor, case_id: int) -> CaseDetail:
        """The case with ID number, phone, addresses and coordinates masked (not logged).

        The crew whose approved round visits the case that day (or the evening before) sees the
        addresses in full, to find the door; that view is access-logged. ID and phone stay masked.
        """
        with self._session_factory.begin() as session:
            detail = _load(session, actor, case_id)
            if not _on_own_round(session, actor, case_id, self._clock()):
                return masked(detail)
            session.add(
                m.AccessLog(
                    user_id=actor.user_id, debtor_id=detail.debtor_id, at=self._clock(),
                    purpose="case detail: own approved round",
                )
            )  # fmt: skip
            crew_view = masked(detail)
            return replace(crew_view, addresses=detail.addresses, masked=True)

    def full_detail(self, actor: Actor, case_id: int, purpose: str) -> CaseDetail:
        """Unmasked personal data; the access is logged (PIPL Art. 28) in the same transaction."""
        require(actor, Permission.VIEW_FULL_PERSONAL_DATA)
        purpose = purpose.strip()
        if not purpose or len(purpose) > MAX_PURPOSE_LENGTH:
            raise ValidationError("error.cases.bad_purpose", limit=MAX_PURPOSE_LENGTH)
        with self._session_factory.begin() as session:
            detail = _load(session, actor, case_id)
            session.add(
                m.AccessLog(
                    user_id=actor.user_id,
                    debtor_id=detail.debtor_id,
                    at=self._clock(),
                    purpose=purpose,
                )
            )
            return detail


def masked(detail: CaseDetail) -> CaseDetail:
    """The same detail with personal identifiers and places masked."""
    addresses = tuple(
        replace(
            a,
            text=masking.mask_address(a.text, a.district) or "",
            lat=masking.coarsen_coordinate(a.lat),
            lon=masking.coarsen_coordinate(a.lon),
        )
        for a in detail.addresses
    )
    return replace(
        detail,
        id_number=masking.mask_id_number(detail.id_number),
        phone=masking.mask_phone(detail.phone),
        addresses=addresses,
        masked=True,
    )


def _on_own_round(session: Session, actor: Actor, case_id: int, now: datetime) -> bool:
    """Whether the case is a stop of the actor's crew's approved round the crew may see in full."""
    if not actor.crew_ids:
        return False
    rows = session.execute(
        select(m.Round.crew_id, m.Round.status, m.Round.plan_date, m.Team.timezone)
        .join(m.RoundStop, m.RoundStop.round_id == m.Round.id)
        .join(m.Crew, m.Crew.id == m.Round.crew_id)
        .join(m.Team, m.Team.id == m.Crew.team_id)
        .where(m.RoundStop.case_id == case_id, m.Round.crew_id.in_(list(actor.crew_ids)))
    )
    return any(
        masking.crew_sees_stop(actor, crew, status, day, now.astimezone(ZoneInfo(zone)).date())
        for crew, status, day, zone in rows
    )


def _load(session: Session, actor: Actor, case_id: int) -> CaseDetail:
    row = session.execute(
        select(m.Case, m.Debtor, m.Team.name, m.Crew.name)
        .join(m.Debtor, m.Case.debtor_id == m.Debtor.id)
        .outerjoin(m.Team, m.Case.team_id == m.Team.id)
        .outerjoin(m.Crew, m.Case.crew_id == m.Crew.id)
        .where(m.Case.id == case_id, visible_cases(actor))
    ).first()
    if row is None:
        # The same answer for "missing" and "another team's": ids of hidden cases reveal nothing.
        raise NotFoundError("error.cases.not_found", case_id=case_id)
    case, debtor, team, crew = row
    return CaseDetail(
        case_id=case.id,
        case_number=case.case_number,
        debtor_id=debtor.id,
        debtor_name=debtor.name,
        id_number=debtor.id_number,
        phone=debtor.phone,
        state=case.state,
        state_until=case.state_until,
        flags=tuple(case.flags or ()),
        days_past_due=case.days_past_due,
        amount_overdue=case.amount_overdue,
        currency=case.currency,
        team=team,
        crew=crew,
        addresses=_addresses(session, debtor.id),
        availability=_availability(session, debtor.id),
        contacts=_contacts(session, case.id),
        promises=_promises(session, case.id),
        payments=_payments(session, case.id),
        masked=False,
    )


def _addresses(session: Session, debtor_id: int) -> tuple[AddressView, ...]:
    addresses = session.scalars(
        select(m.Address).where(m.Address.debtor_id == debtor_id).order_by(m.Address.id)
    ).all()
    notes = session.scalars(
        select(m.AddressRiskNote)
        .where(
            m.AddressRiskNote.address_id.in_([a.id for a in addresses]),
            m.AddressRiskNote.retired_at.is_(None),
        )
        .order_by(m.AddressRiskNote.id)
    ).all()
    return tuple(
        AddressView(
            a.id,
            a.kind,
            a.text,
            a.district,
            a.lat,
            a.lon,
            a.geocode_quality,
            a.is_primary,
            tuple(
                RiskNoteView(n.category, n.note, n.risk_tier, n.daylight_only, n.two_person)
                for n in notes
                if n.address_id == a.id
            ),
        )
        for a in addresses
    )


def _availability(session: Session, debtor_id: int) -> tuple[AvailabilityView, ...]:
    rows = session.scalars(
        select(m.Availability)
        .where(m.Availability.debtor_id == debtor_id)
        .order_by(m.Availability.kind.desc(), m.Availability.id)
    )
    return tuple(
        AvailabilityView(a.kind, a.weekday, a.on_date, a.start_time, a.end_time, a.note)
        for a in rows
    )


def _contacts(session: Session, case_id: int) -> tuple[ContactView, ...]:
    rows = session.scalars(
        select(m.Contact)
        .where(m.Contact.case_id == case_id)
        .order_by(m.Contact.occurred_at.desc(), m.Contact.id.desc())
        .limit(CONTACT_LIMIT)
    )
    return tuple(ContactView(c.occurred_at, c.channel, c.contacted, c.outcome) for c in rows)


def _promises(session: Session, case_id: int) -> tuple[PromiseView, ...]:
    rows = session.scalars(
        select(m.Promise).where(m.Promise.case_id == case_id).order_by(m.Promise.due_on.desc())
    )
    return tuple(PromiseView(p.amount, p.due_on, p.status) for p in rows)


def _payments(session: Session, case_id: int) -> tuple[PaymentView, ...]:
    rows = session.scalars(
        select(m.Payment).where(m.Payment.case_id == case_id).order_by(m.Payment.paid_on.desc())
    )
    return tuple(PaymentView(p.amount, p.paid_on, p.method) for p in rows)
