"""Creditors, debtors, cases, addresses, declared availability, consents and address risk notes."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldvisit.storage.base import Base, JSONType

MONEY = Numeric(14, 2)


class Creditor(Base):
    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # ISO 4217 code of the creditor's accounts; None: not stated yet.
    currency: Mapped[str | None] = mapped_column(String(3))


class Debtor(Base):
    __tablename__ = "debtors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None]
    created_at: Mapped[datetime]

    addresses: Mapped[list[Address]] = relationship(
        back_populates="debtor", order_by="Address.id", cascade="all, delete-orphan"
    )
    availability: Mapped[list[Availability]] = relationship(
        back_populates="debtor", order_by="Availability.id", cascade="all, delete-orphan"
    )


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("creditor_id", "case_number"),
        Index("ix_cases_team_state", "team_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    product: Mapped[str] = mapped_column(String(32), default="credit_card")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    amount_overdue: Mapped[Decimal] = mapped_column(MONEY)
    principal: Mapped[Decimal | None] = mapped_column(MONEY)
    days_past_due: Mapped[int] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(32), default="active", index=True)
    state_changed_at: Mapped[datetime | None]
    state_until: Mapped[date | None]  # e.g. the end of a breathing-space moratorium
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    priority: Mapped[int] = mapped_column(default=0)
    legal_hold: Mapped[bool] = mapped_column(default=False)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    crew_id: Mapped[int | None] = mapped_column(ForeignKey("crews.id"), index=True)
    # None: the team's profile (or the address's jurisdiction) applies.
    rule_profile: Mapped[str | None] = mapped_column(String(16))
    placed_on: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    creditor: Mapped[Creditor] = relationship()
    debtor: Mapped[Debtor] = relationship()


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="home")
    text: Mapped[str] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    lat: Mapped[float | None]  # WGS-84
    lon: Mapped[float | None]
    # No default: the zone of the place itself (import file, team, geocoder), never a guess.
    timezone: Mapped[str] = mapped_column(String(64))
    # A rule profile for this place (a US case in Massachusetts gets US-MA); None: the case's.
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    geocode_quality: Mapped[str] = mapped_column(String(16), default="none")
    geocode_source: Mapped[str | None] = mapped_column(String(64))
    geocoded_at: Mapped[datetime | None]
    is_primary: Mapped[bool] = mapped_column(default=False)

    debtor: Mapped[Debtor] = relationship(back_populates="addresses")
    risk_notes: Mapped[list[AddressRiskNote]] = relationship(
        back_populates="address", order_by="AddressRiskNote.id"
    )


class Availability(Base):
    """A debtor-declared window or blackout, recurring on a weekday or on one date."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # window | blackout
    weekday: Mapped[int | None]  # 0 = Monday; None with on_date set, or every day when both None
    on_date: Mapped[date | None]
    start_time: Mapped[time]
    end_time: Mapped[time]
    # A blackout may concern one place only ("not at work").
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    source: Mapped[str] = mapped_column(String(32), default="debtor")  # debtor | visit | import
    declared_on: Mapped[date | None]  # when the debtor said so (COMPLIANCE: source and date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    debtor: Mapped[Debtor] = relationship(back_populates="availability")


class Consent(Base):
    """Notice given before a first visit, consent to after-hours visits, and similar records."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    given_on: Mapped[date]
    valid_until: Mapped[date | None]
    evidence_ref: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class AddressRiskNote(Base):
    __tablename__ = "address_risk_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    risk_tier: Mapped[str] = mapped_column(String(8), default="medium")
    daylight_only: Mapped[bool] = mapped_column(default=False)
    two_person: Mapped[bool] = mapped_column(default=False)
    checklist: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    address: Mapped[Address] = relationship(back_populates="risk_notes")
