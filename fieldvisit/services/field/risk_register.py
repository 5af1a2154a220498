"""The address risk register: notes per address setting risk tier, rules and a checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.enums import RiskCategory, RiskTier
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m

_TIER_ORDER = {RiskTier.LOW: 0, RiskTier.MEDIUM: 1, RiskTier.HIGH: 2}
# What every crew checks before a visit to a flagged address, per category.
BASE_CHECKLIST: dict[RiskCategory, tuple[str, ...]] = {
    RiskCategory.DOG: ("safety.check.dog",),
    RiskCategory.VIOLENCE_HISTORY: ("safety.check.violence", "safety.check.exit_route"),
    RiskCategory.POLICE_ADVICE: ("safety.check.police",),
    RiskCategory.OTHER: (),
}


@dataclass(frozen=True)
class RiskNote:
    id: int
    address_id: int
    category: RiskCategory
    note: str
    risk_tier: RiskTier
    daylight_only: bool
    two_person: bool
    checklist: tuple[str, ...]
    author_id: int | None
    author_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class RiskAssessment:
    """What the current notes of an address mean for a visit there."""

    tier: RiskTier
    daylight_only: bool
    two_person: bool
    checklist: tuple[str, ...]  # message ids or free text written by the note's author
    notes: tuple[RiskNote, ...]


@dataclass(frozen=True)
class NewRiskNote:
    address_id: int
    category: RiskCategory
    note: str
    risk_tier: RiskTier
    daylight_only: bool = False
    two_person: bool = False
    checklist: tuple[str, ...] = ()


def assess(s: Session, address_id: int) -> RiskAssessment:
    """The highest tier of the address's current notes (low without notes) and their rules."""
    rows = s.execute(
        select(m.AddressRiskNote, m.User.display_name)
        .outerjoin(m.User, m.User.id == m.AddressRiskNote.author_id)
        .where(m.AddressRiskNote.address_id == address_id, m.AddressRiskNote.retired_at.is_(None))
        .order_by(m.AddressRiskNote.id)
    ).all()
    notes = tuple(_note(row, name) for row, name in rows)
    tier = max((n.risk_tier for n in notes), key=_TIER_ORDER.__getitem__, default=RiskTier.LOW)
    checklist: list[str] = []
    for note in notes:
        for item in (*BASE_CHECKLIST[note.category], *note.checklist):
            if item not in checklist:
                checklist.append(item)
    return RiskAssessment(
        tier,
        any(n.daylight_only for n in notes),
        any(n.two_person for n in notes),
        tuple(checklist),
        notes,
    )


def _note(row: m.AddressRiskNote, author: str | None) -> RiskNote:
    return RiskNote(
        row.id,
        row.address_id,
        RiskCategory(row.category),
        row.note,
        RiskTier(row.risk_tier),
        row.daylight_only,
        row.two_person,
        tuple(str(item) for item in row.checklist),
        row.author_id,
        author,
        row.created_at,
    )


class RiskRegister:
    """Reading and writing risk notes; every change is audited."""

    def __init__(self, deps: SafetyDeps) -> None:
        self._deps = deps

    def assessment(self, address_id: int) -> RiskAssessment:
        with self._deps.session_factory() as s:
            return assess(s, address_id)

    def add_note(self, actor: Actor, new: NewRiskNote) -> RiskNote:
        require(actor, Permission.EDIT_RISK_REGISTER)
        text = new.note.strip()
        if not text:
            raise ValidationError("safety.risk.error.note_required")
        with self._deps.session_factory.begin() as s:
            if s.get(m.Address, new.address_id) is None:
                raise NotFoundError("safety.risk.error.no_address", address_id=new.address_id)
            row = m.AddressRiskNote(
                address_id=new.address_id,
                category=new.category.value,
                note=text,
                risk_tier=new.risk_tier.value,
                daylight_only=new.daylight_only,
                two_person=new.two_person,
                checklist=[item.strip() for item in new.checklist if item.strip()],
                author_id=actor.user_id,
                created_at=self._deps.clock(),
            )
            s.add(row)
            s.flush()
            self._audit(s, actor, "risk.note_added", row)
            return _note(row, actor.display_name or None)

    def retire_note(self, actor: Actor, note_id: int) -> None:
        """A note no longer true (the dog is gone) is retired, never deleted."""
        require(actor, Permission.EDIT_RISK_REGISTER)
        with self._deps.session_factory.begin() as s:
            row = s.get(m.AddressRiskNote, note_id)
            if row is None or row.retired_at is not None:
                raise NotFoundError("safety.risk.error.no_note", note_id=note_id)
            row.retired_at = self._deps.clock()
            self._audit(s, actor, "risk.note_retired", row)

    def _audit(self, s: Session, actor: Actor, action: str, row: m.AddressRiskNote) -> None:
        self._deps.audit.record(
            s,
            actor_id=actor.user_id,
            action=action,
            entity_type="address",
            entity_id=row.address_id,
            after={"note_id": row.id, "category": row.category, "risk_tier": row.risk_tier},
        )
