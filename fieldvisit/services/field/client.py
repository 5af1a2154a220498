"""The crew's side of the connection: act on the database, or queue the action and send it later."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.domain.messages import Message
from fieldvisit.services.field.checkout import CheckOut, CheckOutResult, FieldCheckout
from fieldvisit.services.field.consequences import Blackout
from fieldvisit.services.field.pins import duress_hash_of, is_duress
from fieldvisit.services.field.queue import (
    LocalQueue,
    QueuedEvent,
    actor_from_json,
    actor_to_json,
    outcome_from_json,
    to_json,
)
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.visits import CheckIn, FieldVisits, Position, SessionInfo

OFFLINE_ERRORS = (OperationalError, InterfaceError)
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """``delivered`` False: queued on this machine, the office cannot see it yet."""

    delivered: bool
    session: SessionInfo | None = None
    result: CheckOutResult | None = None


@dataclass(frozen=True)
class FlushReport:
    sent: int
    rejected: tuple[tuple[str, Message], ...]
    remaining: int


class FieldClient:
    def __init__(
        self,
        deps: SafetyDeps,
        queue: LocalQueue,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._deps = deps
        self.queue = queue
        self._new_id = new_id
        self.visits = FieldVisits(deps)
        self.checkout = FieldCheckout(deps)
        # Kept from the last time we were online, so a duress check-out works offline too.
        self._duress_hashes: dict[int, str | None] = {}

    def check_in(self, actor: Actor, request: CheckIn) -> Delivery:
        request = replace(
            request,
            client_event_id=request.client_event_id or self._new_id(),
            at=request.at or self._deps.clock(),
        )
        try:
            self._remember_duress_hash(actor)
            return Delivery(True, session=self.visits.check_in(actor, request))
        except OFFLINE_ERRORS:
            self._queue(actor, "check_in", request.client_event_id, request.at, to_json(request))
            return Delivery(False)

    def check_out(self, actor: Actor, request: CheckOut) -> Delivery:
        request = replace(
            request,
            client_event_id=request.client_event_id or self._new_id(),
            at=request.at or self._deps.clock(),
        )
        try:
            return Delivery(True, result=self.checkout.check_out(actor, request))
        except OFFLINE_ERRORS:
            duress = is_duress(request.pin, self._duress_hashes.get(actor.user_id))
            payload = to_json(replace(request, pin=None)) | {"duress": duress}
            self._queue(actor, "check_out", request.client_event_id, request.at, payload)
            return Delivery(False)

    def extend(self, actor: Actor, session_id: int) -> Delivery:
        """Not queued: a late extension means nothing to the office; the crew phones instead."""
        try:
            return Delivery(True, session=self.visits.extend(actor, session_id))
        except OFFLINE_ERRORS:
            return Delivery(False)

    def sos(self, actor: Actor, session_id: int, position: Position | None) -> Delivery:
        """Not queued either: an SOS that cannot reach the office must be a phone call now."""
        try:
            return Delivery(True, session=self.visits.sos(actor, session_id, position))
        except OFFLINE_ERRORS:
            return Delivery(False)

    def pending(self) -> int:
        return len(self.queue.pending())

    def flush(self) -> FlushReport:
        """Send queued events in order; stop at the first that still cannot reach the database."""
        sent, rejected = 0, []
        for event in self.queue.pending():
            try:
                self._deliver(event)
            except OFFLINE_ERRORS:
                break
            except FieldVisitError as exc:  # refused for good: tell the crew, do not retry forever
                _log.warning("queued %s %s refused: %s", event.kind, event.client_event_id, exc)
                rejected.append((event.client_event_id, exc.message))
            else:
                sent += 1
            self.queue.remove(event.client_event_id)
        return FlushReport(sent, tuple(rejected), self.pending())

    def _deliver(self, event: QueuedEvent) -> None:
        actor, data = actor_from_json(event.actor), event.payload
        at = datetime.fromisoformat(event.at)
        if event.kind == "check_in":
            self.visits.check_in(actor, _check_in_from(data, at))
        else:
            self.checkout.check_out(actor, _check_out_from(data, at), duress=bool(data["duress"]))

    def _queue(
        self, actor: Actor, kind: str, event_id: str | None, at: datetime | None, payload: Any
    ) -> None:
        # Both were set by the caller before it tried the database.
        assert event_id is not None
        assert at is not None
        self.queue.append(
            QueuedEvent(event_id, kind, actor_to_json(actor), at.isoformat(), payload)
        )

    def _remember_duress_hash(self, actor: Actor) -> None:
        with self._deps.session_factory() as s:
            self._duress_hashes[actor.user_id] = duress_hash_of(s, actor.user_id)


def _position(data: dict[str, Any] | None) -> Position | None:
    return Position(data["lat"], data["lon"], data.get("accuracy_m")) if data else None


def _check_in_from(data: dict[str, Any], at: datetime) -> CheckIn:
    until = data.get("until")
    return CheckIn(
        visit_id=int(data["visit_id"]),
        position=_position(data.get("position")),
        minutes=data.get("minutes"),
        until=datetime.fromisoformat(until) if until else None,
        at=at,
        client_event_id=data["client_event_id"],
        reason=data.get("reason"),
        queued=True,
    )


def _check_out_from(data: dict[str, Any], at: datetime) -> CheckOut:
    blackout, declared = data.get("blackout"), data.get("declaration")
    return CheckOut(
        visit_id=int(data["visit_id"]),
        outcome=outcome_from_json(data["outcome"]),
        position=_position(data.get("position")),
        at=at,
        client_event_id=data["client_event_id"],
        blackout=_blackout(blackout) if blackout else None,
        declaration=_declaration(declared) if declared else None,
    )


def _declaration(data: dict[str, Any]) -> DoorstepDeclaration:
    return DoorstepDeclaration(
        DoorstepKind(data["kind"]),
        data.get("weekday"),
        time.fromisoformat(data["start"]),
        time.fromisoformat(data["end"]),
        data.get("note"),
    )


def _blackout(data: dict[str, Any]) -> Blackout:
    return Blackout(
        time.fromisoformat(data["start"]), time.fromisoformat(data["end"]), data["weekday"]
    )
