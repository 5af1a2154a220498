"""Expected errors as HTTP answers: a status, the message id, its text in the caller's language."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from fieldvisit.domain.errors import (
    ConflictError,
    DatabaseError,
    FieldVisitError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from fieldvisit.i18n import DEFAULT_LANGUAGE, LANGUAGES, render
from fieldvisit.server.security import UnauthenticatedError
from fieldvisit.server.serialize import plain

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
    }
    return JSONResponse(body, status_code=status_of(exc), headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(FieldVisitError, _on_error)
