"""Cancel of a desktop's planning call: the search stops on whichever server runs it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from fieldvisit.server.events import Event
from fieldvisit.server.searches import CANCEL_EVENT, TOKEN_PATTERN
from fieldvisit.server.security import Caller, Ctx

router = APIRouter(prefix="/api/v1/searches", tags=["desktop calls"])


@router.post("/{token}/cancel")
def cancel_search(
    token: Annotated[str, Path(pattern=TOKEN_PATTERN)], actor: Caller, ctx: Ctx
) -> dict[str, bool]:
    """Stop a search the caller started. ``stopped`` says whether it ran on this server; if not,
    the other servers on the database are told, and a call still on its way stops on arrival."""
    if ctx.searches.cancel(token, actor.user_id):
        return {"stopped": True}
    if ctx.bus.shared:
        ctx.bus.publish(Event(CANCEL_EVENT, {"token": token, "user_id": actor.user_id}))
    return {"stopped": False}
