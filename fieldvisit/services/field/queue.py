"""A small durable outbox on the crew's machine for check-ins and check-outs made offline."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.outcomes import (
    NextAction,
    OutcomeCode,
    PaymentMethod,
    PersonMet,
    VisitOutcome,
)


@dataclass(frozen=True)
class QueuedEvent:
    """One action waiting to be sent; its id makes a re-sent event apply once."""

    client_event_id: str
    kind: str  # check_in | check_out | extend | sos
    actor: dict[str, Any]
    at: str  # ISO time the crew did it
    payload: dict[str, Any]


class LocalQueue:
    """JSON lines, one event per line, fsynced on every append so a crash loses nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, event: QueuedEvent) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(event), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def pending(self) -> list[QueuedEvent]:
        if not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [QueuedEvent(**json.loads(line)) for line in lines if line.strip()]

    def remove(self, client_event_id: str) -> None:
        """Drop a delivered event; the file is replaced atomically."""
        left = [e for e in self.pending() if e.client_event_id != client_event_id]
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in left),
            encoding="utf-8",
        )
        os.replace(temporary, self.path)


def actor_to_json(actor: Actor) -> dict[str, Any]:
    return {
        "user_id": actor.user_id,
        "role": actor.role.value,
        "team_id": actor.team_id,
        "crew_ids": sorted(actor.crew_ids),
        "display_name": actor.display_name,
    }


def actor_from_json(data: dict[str, Any]) -> Actor:
    return Actor(
        int(data["user_id"]),
        Role(data["role"]),
        data.get("team_id"),
        frozenset(data.get("crew_ids", [])),
        str(data.get("display_name", "")),
    )


def to_json(value: Any) -> Any:
    """Dataclasses with dates, decimals and enums as plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def outcome_from_json(data: dict[str, Any]) -> VisitOutcome:
    def opt(key: str, kind: Any) -> Any:
        raw = data.get(key)
        return None if raw is None else kind(raw)

    return VisitOutcome(
        person_met=opt("person_met", PersonMet),
        outcome=opt("outcome", OutcomeCode),
        next_action=opt("next_action", NextAction),
        next_action_date=opt("next_action_date", date.fromisoformat),
        ptp_amount=opt("ptp_amount", Decimal),
        ptp_date=opt("ptp_date", date.fromisoformat),
        payment_amount=opt("payment_amount", Decimal),
        payment_method=opt("payment_method", PaymentMethod),
        receipt_no=data.get("receipt_no"),
        entry_consent=data.get("entry_consent"),
        id_shown=data.get("id_shown"),
        recorded_audio=data.get("recorded_audio"),
        notes=data.get("notes"),
    )
