"""Sign-in, token refresh, sign-out, and who the token belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.errors import PermissionDeniedError
from fieldvisit.server.schemas import Strict
from fieldvisit.server.security import Caller, Ctx, Token, UnauthenticatedError
from fieldvisit.services.admin.sessions import TokenPair

router = APIRouter(prefix="/api/v1", tags=["sign-in"])


class SignIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Refresh(Strict):
    refresh_token: str = Field(min_length=1, max_length=256)


class UserOut(Strict):
    id: int
    role: str
    team_id: int | None
    crew_ids: list[int]
    display_name: str


class Tokens(Strict):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    access_expires_at: datetime
    refresh_expires_at: datetime
    user: UserOut | None = None


def user_out(actor: Actor) -> UserOut:
    return UserOut(
        id=actor.user_id,
        role=actor.role.value,
        team_id=actor.team_id,
        crew_ids=sorted(actor.crew_ids),
        display_name=actor.display_name,
    )


def _tokens(pair: TokenPair, actor: Actor | None) -> Tokens:
    return Tokens(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        access_expires_at=pair.access_expires_at,
        refresh_expires_at=pair.refresh_expires_at,
        user=None if actor is None else user_out(actor),
    )


@router.post("/auth/sign-in", response_model=Tokens)
def sign_in(body: SignIn, request: Request, ctx: Ctx) -> Tokens:
    """Password sign-in (argon2, with the login service's lockout); returns a token pair."""
    host = request.client.host if request.client else None
    try:
        actor = ctx.services.auth.login(body.username, body.password, host=host)
    except PermissionDeniedError as exc:  # wrong password or locked: 401, the client asks again
        raise UnauthenticatedError(exc.message.id, **exc.message.params) from exc
    return _tokens(ctx.tokens.issue(actor, host), actor)


@router.post("/auth/refresh", response_model=Tokens)
def refresh(body: Refresh, ctx: Ctx) -> Tokens:
    """A new pair for a live refresh token; the old pair stops working."""
    try:
        return _tokens(ctx.tokens.refresh(body.refresh_token), None)
    except PermissionDeniedError as exc:
        raise UnauthenticatedError(exc.message.id, **exc.message.params) from exc


@router.post("/auth/sign-out", status_code=204)
def sign_out(token: Token, ctx: Ctx) -> None:
    ctx.tokens.revoke(token)


@router.get("/me", response_model=UserOut)
def me(actor: Caller) -> UserOut:
    return user_out(actor)


@router.post("/users/{user_id}/deactivate")
def deactivate(user_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """Deactivate a user (admins); every session of theirs ends at once."""
    require(actor, Permission.MANAGE_USERS)
    ctx.services.user_admin.deactivate(actor, user_id)
    return {"user_id": user_id, "sessions_revoked": ctx.tokens.revoke_user(user_id)}
