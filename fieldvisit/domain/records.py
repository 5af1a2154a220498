"""Visit records as plain data: their content hash, verification codes and what a PDF shows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fieldvisit.domain.audit_chain import canonical_json

CODE_PREFIX = "FV"
_CODE_RE = re.compile(r"^FV-(\d+)-([0-9A-F]{12})$")
QR_PREFIX = "FVREC"

# The fields of a visit record its content hash covers, in a fixed order.
RECORD_FIELDS: tuple[str, ...] = (
    "visit_id",
    "version",
    "supersedes_id",
    "correction_reason",
    "person_met",
    "outcome_code",
    "ptp_amount",
    "ptp_date",
    "payment_amount",
    "payment_method",
    "receipt_no",
    "entry_consent",
    "id_shown",
    "recorded_audio",
    "notes",
    "next_action",
    "next_action_date",
    "evidence",
    "recorded_by",
    "recorded_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime) and value.tzinfo is not None:
        # The database hands timestamps back in UTC; hash them the way they come back.
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record_content(values: dict[str, Any]) -> dict[str, Any]:
    """The hashed content of a visit record: only ``RECORD_FIELDS``, as JSON-ready values."""
    return {name: _plain(values.get(name)) for name in RECORD_FIELDS}


def record_hash(values: dict[str, Any]) -> str:
    """SHA-256 over the canonical content; the audit entry of the record holds it too."""
    return hashlib.sha256(canonical_json(record_content(values))).hexdigest()


def record_audit_after(visit_id: int, content_hash: str) -> dict[str, Any]:
    """The ``after`` content of the audit entry that stores a record version: its digest ties
    the chain to the record's content hash (check-out and corrections both write it)."""
    return {"visit_id": visit_id, "content_hash": content_hash}


def verification_code(record_id: int, content_hash: str) -> str:
    """A short code printed on paper: the record id and the first 48 bits of its hash."""
    return f"{CODE_PREFIX}-{record_id}-{content_hash[:12].upper()}"


def parse_verification_code(code: str) -> tuple[int, str] | None:
    """(record id, lower-case hash prefix) of a printed code or of a scanned QR text."""
    text = code.strip().upper()
    if text.startswith(QR_PREFIX + ":"):
        parts = text.split(":")
        if len(parts) == 3 and parts[1].isdigit() and re.fullmatch(r"[0-9A-F]{64}", parts[2]):
            return int(parts[1]), parts[2].lower()
        return None
    match = _CODE_RE.match(text)
    return (int(match.group(1)), match.group(2).lower()) if match else None


def qr_payload(record_id: int, content_hash: str) -> str:
    # Upper case keeps the text in the QR alphanumeric mode: a smaller code, faster to encode.
    return f"{QR_PREFIX}:{record_id}:{content_hash.upper()}"


@dataclass(frozen=True)
class CheckLine:
    """One rule check at planning time: rule id, severity and its message."""

    rule_id: str
    severity: str
    message: str


@dataclass(frozen=True)
class ApprovalLine:
    decision: str
    decided_by: str
    decided_at: datetime
    reason: str


@dataclass(frozen=True)
class SafetyLine:
    at: datetime
    kind: str
    actor: str


@dataclass(frozen=True)
class VisitRecordDoc:
    """Everything one printed visit record shows; personal data already masked for the reader."""

    record_id: int
    version: int
    supersedes_id: int | None
    correction_reason: str | None
    case_number: str
    creditor: str
    debtor_name: str
    debtor_id_number: str
    debtor_phone: str
    address: str
    team: str
    crew: str
    members: tuple[str, ...]
    planned_start: datetime | None
    planned_end: datetime | None
    arrived_at: datetime | None
    departed_at: datetime | None
    timezone: str
    rule_profile: str
    ruleset_version: str
    checks: tuple[CheckLine, ...]
    approvals: tuple[ApprovalLine, ...]
    safety: tuple[SafetyLine, ...]
    person_met: str
    outcome_code: str
    ptp_amount: Decimal | None
    ptp_date: date | None
    payment_amount: Decimal | None
    payment_method: str | None
    receipt_no: str | None
    notes: str
    next_action: str
    next_action_date: date
    evidence: tuple[str, ...]
    recorded_by: str
    recorded_at: datetime
    content_hash: str
    anonymised: bool = False
    check_in_flag: str | None = None  # outside_window | other_day: the check-in broke its rule
    check_in_reason: str | None = None  # the crew's stated reason, when one was given
    currency: str = ""  # the case's ISO 4217 code, printed with every amount

    @property
    def code(self) -> str:
        return verification_code(self.record_id, self.content_hash)

    @property
    def qr(self) -> str:
        return qr_payload(self.record_id, self.content_hash)


@dataclass(frozen=True)
class AnchorLine:
    """The audit chain head printed on every PDF (sequence and hash at print time)."""

    seq: int
    entry_hash: str


@dataclass(frozen=True)
class PrintMeta:
    """Who printed what and when; goes into the footer and the PDF metadata."""

    title: str
    printed_by: str
    printed_at: datetime
    lang: str
    anchor: AnchorLine
    subject: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
    timezone: str = "UTC"  # the readers' zone (team or address): the footer's time is local
