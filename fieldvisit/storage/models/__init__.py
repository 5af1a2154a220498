"""All tables of the FieldVisit schema; importing this package registers them."""

from fieldvisit.storage.models.cases import (
    Address,
    AddressRiskNote,
    Availability,
    Case,
    Consent,
    Creditor,
    Debtor,
)
from fieldvisit.storage.models.field import (
    Alarm,
    SafetyEvent,
    SafetySession,
    Visit,
    VisitMember,
    VisitRecord,
    WatcherHeartbeat,
)
from fieldvisit.storage.models.ledger import Contact, Payment, Promise
from fieldvisit.storage.models.notify import (
    DeliveryAttempt,
    NotifyRoute,
    NotifySettings,
    WatcherAlarm,
)
from fieldvisit.storage.models.org import AppSetting, Crew, CrewMember, Team, User
from fieldvisit.storage.models.planning import Approval, Policy, Round, RoundStop
from fieldvisit.storage.models.records import (
    AccessLog,
    AuditEntry,
    ColumnMapping,
    GeocodeCache,
    ImportBatch,
    LoginAttempt,
)
from fieldvisit.storage.models.server import ServerSession

__all__ = [
    "AccessLog",
    "Address",
    "AddressRiskNote",
    "Alarm",
    "AppSetting",
    "Approval",
    "AuditEntry",
    "Availability",
    "Case",
    "ColumnMapping",
    "Consent",
    "Contact",
    "Creditor",
    "Crew",
    "CrewMember",
    "Debtor",
    "DeliveryAttempt",
    "GeocodeCache",
    "ImportBatch",
    "LoginAttempt",
    "NotifyRoute",
    "NotifySettings",
    "Payment",
    "Policy",
    "Promise",
    "Round",
    "RoundStop",
    "SafetyEvent",
    "SafetySession",
    "ServerSession",
    "Team",
    "User",
    "Visit",
    "VisitMember",
    "VisitRecord",
    "WatcherAlarm",
    "WatcherHeartbeat",
]
