"""Server-sent events: what changed, as it happens, for the caller's role and team."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from fieldvisit import __version__
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.server.context import ServerContext
from fieldvisit.server.events import Event
from fieldvisit.server.security import Caller, Ctx, Token

router = APIRouter(prefix="/api/v1", tags=["events"])
KEEPALIVE_SECONDS = 15.0  # proxies close idle streams; a comment line keeps this one open


@router.get("/health", tags=["server"])
def health(ctx: Ctx) -> dict[str, Any]:
    """Alive, and whether this process runs the safety watcher (no sign-in needed)."""
    leader = ctx.watcher is not None and ctx.watcher.leader.is_set()
    return {"status": "ok", "version": __version__, "watcher_leader": leader}


@router.get("/watcher")
def watcher(_actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """Whether every safety watcher has been silent too long (the desktop's red banner)."""
    since = None if ctx.silence is None else ctx.silence.started
    return {"silent": ctx.services.notify.health.silent(since)}


@router.get("/events", response_class=StreamingResponse)
async def events(request: Request, actor: Caller, token: Token, ctx: Ctx) -> StreamingResponse:
    """``text/event-stream``; each event is ``event: <kind>`` with a JSON ``data:`` line.

    The stream ends when its token no longer works (expired, signed out, user deactivated);
    the client refreshes its token, reconnects and re-reads what it shows.
    """
    key, queue = ctx.bus.subscribe(actor)

    async def stream() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            while not await request.is_disconnected():
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    if not await run_in_threadpool(_still_valid, ctx, token):
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event is None:
                    return
                yield _frame(event)
        finally:
            ctx.bus.unsubscribe(key)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


def _still_valid(ctx: ServerContext, token: str) -> bool:
    try:
        ctx.tokens.actor(token)
    except FieldVisitError:
        return False
    return True


def _frame(event: Event) -> str:
    return f"event: {event.kind}\ndata: {event.to_json()}\n\n"
