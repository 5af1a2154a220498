"""Expected errors as HTTP answers: a status, the message id, its text in the caller's language."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from fieldvisit.domain import errors as domain_errors
from fieldvisit.domain.errors import (
    ConflictError,
    DatabaseError,
    FieldVisitError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from fieldvisit.i18n import DEFAULT_LANGUAGE, LANGUAGES, render
from fieldvisit.server import codec
from fieldvisit.server.security import UnauthenticatedError
from fieldvisit.server.serialize import plain

errors_module = domain_errors.__name__
_STATUS: tuple[tuple[type[FieldVisitError], int], ...] = (
    (UnauthenticatedError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (ValidationError, 422),
    (DatabaseError, 503),
)


def language(request: Request) -> str:
    """The first language of Accept-Language that we speak (``zh-CN`` is ``zh``)."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def status_of(error: FieldVisitError) -> int:
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 400)


async def _on_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FieldVisitError)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, UnauthenticatedError) else None
    body = {
        "error": exc.message.id,
        "params": plain(dict(exc.message.params)),
        "message": render(exc.message, language(request)),
        # What the desktop needs to raise the same exception (fieldvisit.app.remote_client).
        "kind": kind_of(exc),
        "typed_params": _typed(dict(exc.message.params)),
    }
    return JSONResponse(body, status_code=status_of(exc), headers=headers)


def kind_of(error: FieldVisitError) -> str:
    """The class a client re-raises: 401's own, else the nearest one of ``domain.errors``."""
    if isinstance(error, UnauthenticatedError):
        return "UnauthenticatedError"
    return next(k.__name__ for k in type(error).__mro__ if k.__module__ == errors_module)


def _typed(params: dict[str, Any]) -> Any:
    try:
        return codec.encode(params)
    except ValueError:  # a parameter the codec cannot carry: the plain text still goes
        return None


def install(app: FastAPI) -> None:
    app.add_exception_handler(FieldVisitError, _on_error)
