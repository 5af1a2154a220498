"""The crew at the door: today's round, start a stop, check in and out, extend, SOS."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.organisation import FieldError
from fieldvisit.server.publishing import publish_safety
from fieldvisit.server.schemas import Strict
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain
from fieldvisit.services.field.checkout import CheckOut
from fieldvisit.services.field.consequences import Blackout
from fieldvisit.services.field.queue import outcome_from_json
from fieldvisit.services.field.visits import CheckIn, Position

router = APIRouter(prefix="/api/v1", tags=["field"])
QUEUED_AFTER = timedelta(minutes=2)  # older than this, a check-in waited in the queue


class Where(Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(None, ge=0)

    def position(self) -> Position:
        return Position(self.lat, self.lon, self.accuracy_m)


class CheckInBody(Strict):
    position: Where | None = None
    location_status: Literal["ok", "denied", "unavailable"] | None = Field(
        None, description="whether the phone gave a position; a refusal is recorded"
    )
    minutes: int | None = Field(None, ge=1, le=480, description="default: the risk tier's")
    client_event_id: str | None = Field(None, max_length=64)
    at: datetime | None = Field(None, description="when it happened, if it waited offline")
    reason: str | None = Field(None, max_length=300, description="why, on a round of another day")


class BlackoutBody(Strict):
    """The times the debtor said are inconvenient ("not at this time")."""

    start: time
    end: time
    weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday; none: every day")


class DeclarationBody(Strict):
    """What the debtor declared at the door: inconvenient times, or no more visits here."""

    kind: DoorstepKind
    weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday; none: every day")
    start: time = time(0, 0)
    end: time = time.max
    note: str | None = Field(None, max_length=500)

    def declaration(self) -> DoorstepDeclaration:
        try:
            return DoorstepDeclaration(self.kind, self.weekday, self.start, self.end, self.note)
        except FieldError as error:  # e.g. an end before the start: refused before any write
            raise ValidationError("safety.declare.refused", field=error.field) from None


class CheckOutBody(Strict):
    outcome: dict[str, Any] = Field(description="person_met, outcome, next_action, … (spec)")
    position: Where | None = None
    pin: str | None = Field(None, max_length=16)
    client_event_id: str | None = Field(None, max_length=64)
    at: datetime | None = Field(None, description="when it happened, if it waited offline")
    blackout: BlackoutBody | None = None
    declaration: DeclarationBody | None = None


class SosBody(Strict):
    position: Where | None = None


def _crew_member(actor: Actor) -> None:
    """Check-in, check-out, extend and SOS are the crew's own acts (the office relays apart)."""
    require(actor, Permission.RECORD_VISIT)


def _when(at: datetime | None, ctx: Ctx) -> datetime:
    """The phone's time of an action that waited offline; never later than the server's now."""
    now = ctx.services.clock()
    if at is None or at.tzinfo is None or at > now:
        return now
    return at


def _waited(at: datetime | None, ctx: Ctx) -> bool:
    """Sent late from the phone's offline queue: such a check-in is flagged, never refused."""
    return at is not None and at.tzinfo is not None and ctx.services.clock() - at > QUEUED_AFTER


def _crew(actor: Actor) -> int | None:
    return min(actor.crew_ids) if len(actor.crew_ids) == 1 else None


@router.get("/today")
def today(day: date, actor: Caller, ctx: Ctx) -> dict[str, Any] | None:
    """The caller's crew's approved round for ``day`` (the crew's local date), or null."""
    result: dict[str, Any] | None = plain(ctx.services.field.today.round_for(actor, day))
    return result


@router.post("/stops/{stop_id}/start")
def start_stop(stop_id: int, actor: Caller, ctx: Ctx) -> dict[str, int]:
    """The visit of a stop (the same visit when asked again)."""
    return {"visit_id": ctx.services.field.today.start(actor, stop_id)}


@router.post("/visits/{visit_id}/check-in")
def check_in(visit_id: int, body: CheckInBody, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    _crew_member(actor)
    request = CheckIn(
        visit_id,
        position=None if body.position is None else body.position.position(),
        minutes=body.minutes,
        at=_when(body.at, ctx),
        client_event_id=body.client_event_id,
        location=body.location_status,
        reason=body.reason,
        queued=_waited(body.at, ctx),
    )
    info = ctx.services.field.client.visits.check_in(actor, request)
    data = {"session_id": info.session_id, "visit_id": visit_id}
    publish_safety(ctx, actor, "safety.checked_in", data, _crew(actor))
    result: dict[str, Any] = plain(info)
    return result


@router.post("/visits/{visit_id}/check-out")
def check_out(visit_id: int, body: CheckOutBody, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    _crew_member(actor)
    try:
        outcome = outcome_from_json(body.outcome)
    except (ValueError, ArithmeticError) as exc:
        raise ValidationError("server.error.bad_outcome", detail=str(exc)) from exc
    request = CheckOut(
        visit_id,
        outcome,
        position=None if body.position is None else body.position.position(),
        at=_when(body.at, ctx),
        client_event_id=body.client_event_id,
        pin=body.pin,
        blackout=None
        if body.blackout is None
        else Blackout(body.blackout.start, body.blackout.end, body.blackout.weekday),
        declaration=None if body.declaration is None else body.declaration.declaration(),
    )
    done = ctx.services.field.client.checkout.check_out(actor, request)
    publish_safety(ctx, actor, "safety.checked_out", {"visit_id": visit_id}, _crew(actor))
    result: dict[str, Any] = plain(done)
    return result


@router.post("/safety-sessions/{session_id}/extend")
def extend(session_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    _crew_member(actor)
    result: dict[str, Any] = plain(ctx.services.field.client.visits.extend(actor, session_id))
    return result


@router.post("/safety-sessions/{session_id}/sos")
def sos(session_id: int, body: SosBody, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    _crew_member(actor)
    where = None if body.position is None else body.position.position()
    info = ctx.services.field.client.visits.sos(actor, session_id, where)
    publish_safety(
        ctx, actor, "alarm.raised", {"session_id": session_id, "kind": "sos"}, _crew(actor)
    )
    result: dict[str, Any] = plain(info)
    return result
