"""Closed vocabularies of the domain, stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COLLECTOR = "collector"
    MANAGER = "manager"
    SAFETY_LEAD = "safety_lead"
    COMPLIANCE = "compliance"
    ADMIN = "admin"


class CaseState(StrEnum):
    ACTIVE = "active"
    DISPUTED = "disputed"
    COMPLAINT_PENDING = "complaint_pending"
    CEASE_REQUESTED = "cease_requested"
    ATTORNEY_REPRESENTED = "attorney_represented"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    CAPACITY_CONCERN = "capacity_concern"
    BREATHING_SPACE = "breathing_space"
    LEGAL_HOLD = "legal_hold"
    IN_VALIDATION_PERIOD = "in_validation_period"
    CLOSED = "closed"


class CaseFlag(StrEnum):
    DAYLIGHT_ONLY = "daylight_only"
    VULNERABLE = "vulnerable"
    NOTICE_GIVEN = "notice_given"
    DEBTOR_UNREACHABLE = "debtor_unreachable"
    ACTIVE_MILITARY = "active_military"
    EMPLOYER_PROHIBITS = "employer_prohibits"
    CONSENT_AFTER_HOURS = "consent_after_hours"


class AddressKind(StrEnum):
    HOME = "home"
    WORK = "work"
    OTHER = "other"


class Place(StrEnum):
    """Where a visit happens, as the compliance rules see it."""

    HOME = "home"
    WORK = "work"
    OTHER = "other"
    THIRD_PARTY = "third_party"


class GeocodeQuality(StrEnum):
    NONE = "none"
    EXACT = "exact"
    APPROXIMATE = "approximate"
    FAILED = "failed"
    MANUAL = "manual"


class Channel(StrEnum):
    VISIT = "visit"
    CALL = "call"
    SMS = "sms"
    LETTER = "letter"


class AvailabilityKind(StrEnum):
    WINDOW = "window"
    BLACKOUT = "blackout"


class ConsentKind(StrEnum):
    NOTICE_GIVEN = "notice_given"
    CONSENT_AFTER_HOURS = "consent_after_hours"
    WRITTEN_VISIT_CONSENT = "written_visit_consent"


class RiskCategory(StrEnum):
    DOG = "dog"
    VIOLENCE_HISTORY = "violence_history"
    POLICE_ADVICE = "police_advice"
    OTHER = "other"


class RiskTier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class StopStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class StopApproval(StrEnum):
    """Where a stop's exceptions stand; a stop without exceptions needs no approval."""

    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class VisitStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


class SafetySessionState(StrEnum):
    ACTIVE = "active"
    OVERDUE = "overdue"
    ALARM = "alarm"
    CLOSED = "closed"


class AlarmKind(StrEnum):
    OVERDUE = "overdue"
    SOS = "sos"
    DURESS = "duress"
    WATCHER_SILENT = "watcher_silent"


class AlarmState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


class Severity(StrEnum):
    BLOCK = "block"
    APPROVE = "approve"
    WARN = "warn"
    RECORD = "record"
