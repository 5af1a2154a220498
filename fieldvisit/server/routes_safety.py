"""The safety board: every open session and alarm the caller watches, and acknowledging one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fieldvisit.domain.enums import AlarmKind
from fieldvisit.server.events import Event
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain

router = APIRouter(prefix="/api/v1", tags=["safety"])


@router.get("/safety/board")
def board(actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """A snapshot of the board, with the watcher's last beat (a red banner when it is silent)."""
    result: dict[str, Any] = plain(ctx.services.safety_board.snapshot(actor))
    return result


@router.post("/safety-sessions/{session_id}/alarms/{kind}/acknowledge", status_code=204)
def acknowledge(session_id: int, kind: AlarmKind, actor: Caller, ctx: Ctx) -> None:
    ctx.services.safety_response.acknowledge(actor, session_id, kind)
    data = {"session_id": session_id, "kind": kind.value, "by": actor.user_id}
    ctx.bus.publish(Event("alarm.acknowledged", data, team_id=actor.team_id))
