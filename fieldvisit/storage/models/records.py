"""The audit chain, access and login logs, geocoding cache, and import bookkeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldvisit.storage.base import Base, JSONType


class AuditEntry(Base):
    """Append-only; each entry's HMAC covers its fields and the previous entry's hash."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before_digest: Mapped[str | None] = mapped_column(String(64))
    after_digest: Mapped[str | None] = mapped_column(String(64))
    # Redactable by retention; the digests above keep the chain verifiable without it.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AccessLog(Base):
    """Who opened a debtor's unmasked personal data, when and why (PIPL Art. 28)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(200))


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime]
    success: Mapped[bool]
    host: Mapped[str | None] = mapped_column(String(128))


class GeocodeCache(Base):
    __tablename__ = "geocode_cache"
    __table_args__ = (UniqueConstraint("provider", "query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    query: Mapped[str] = mapped_column(String(300))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    quality: Mapped[str] = mapped_column(String(16))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime]


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # cases | contacts | payments
    filename: Mapped[str] = mapped_column(String(300))
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime]
    rows_total: Mapped[int]
    rows_imported: Mapped[int]
    rows_rejected: Mapped[int]
    report: Mapped[str | None] = mapped_column(Text)


class ColumnMapping(Base):
    """A saved column mapping of a creditor's file layout, reused on the next import."""

    __tablename__ = "column_mappings"
    __table_args__ = (UniqueConstraint("creditor_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONType)
    updated_at: Mapped[datetime]
