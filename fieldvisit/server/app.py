"""The ASGI application: routes, error answers, and the background parts' start and stop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from fieldvisit import __version__
from fieldvisit.server import (
    errors,
    routes_auth,
    routes_call,
    routes_cases,
    routes_companion,
    routes_events,
    routes_field,
    routes_integrate,
    routes_plan,
    routes_safety,
    routes_searches,
    rpc_files,
)
from fieldvisit.server.context import ServerContext


def create_app(ctx: ServerContext) -> FastAPI:
    """The API over ``ctx``; the event listener and the watcher run while the app is up."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.bus.start()
        if ctx.watcher is not None:
            ctx.watcher.start()
        if ctx.silence is not None:
            ctx.silence.start()
        try:
            yield
        finally:
            if ctx.silence is not None:
                ctx.silence.stop()
            if ctx.watcher is not None:
                ctx.watcher.stop()
            ctx.bus.stop()

    app = FastAPI(
        title="FieldVisit team server",
        version=__version__,
        description="Every action runs as the user whose access token is sent; "
        "sign in at /api/v1/auth/sign-in.",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    errors.install(app)
    for module in (
        routes_auth,
        routes_cases,
        routes_plan,
        routes_field,
        routes_safety,
        routes_integrate,
        routes_events,
        routes_companion,
        routes_call,
        routes_searches,
        rpc_files,
    ):
        app.include_router(module.router)
    routes_companion.mount_app(app)
    return app
