"""The contact ledger across channels, payments and promises to pay."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldvisit.storage.base import Base

MONEY = Numeric(14, 2)


class Contact(Base):
    """One contact attempt with a debtor on any channel; frequency rules count these."""

    __tablename__ = "contacts"
    # Covers the eligibility history query, so it never reads the table itself.
    __table_args__ = (
        Index("ix_contacts_debtor_time", "debtor_id", "occurred_at"),
        Index("ix_contacts_debtor_time_cov", "debtor_id", "occurred_at", "channel", "contacted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # visit | call | sms | letter
    occurred_at: Mapped[datetime]
    contacted: Mapped[bool]  # a conversation took place
    place: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # Imported contacts are keyed by the creditor's id, so a re-import never doubles one.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16), default="app")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime]


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217; None: the case's
    paid_on: Mapped[date]
    method: Mapped[str | None] = mapped_column(String(32))
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16), default="app")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime]


class Promise(Base):
    """A promise to pay; kept or broken by payments made anywhere, followed up after its date."""

    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217; None: the case's
    due_on: Mapped[date] = mapped_column(index=True)
    promised_at: Mapped[datetime]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
