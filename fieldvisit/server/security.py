"""Who is asking: the user behind the bearer token, never a name the client sends."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.server.context import ServerContext

_bearer = HTTPBearer(auto_error=False, description="the access token from /auth/sign-in")


def context(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx


class UnauthenticatedError(PermissionDeniedError):
    """No valid token: HTTP 401, not 403 (the client should sign in again)."""


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials:
        raise UnauthenticatedError("server.error.token_missing")
    return credentials.credentials


def current_actor(
    token: Annotated[str, Depends(bearer_token)],
    ctx: Annotated[ServerContext, Depends(context)],
) -> Actor:
    try:
        return ctx.tokens.actor(token)
    except PermissionDeniedError as exc:
        raise UnauthenticatedError(exc.message.id, **exc.message.params) from exc


Ctx = Annotated[ServerContext, Depends(context)]
Caller = Annotated[Actor, Depends(current_actor)]
Token = Annotated[str, Depends(bearer_token)]
