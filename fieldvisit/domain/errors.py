"""Domain exceptions: every error a user can cause, with a message that says what to fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fieldvisit.domain.messages import Message


class FieldVisitError(Exception):
    """Base of all expected errors; carries a translatable message."""

    def __init__(self, message_id: str, **params: Any) -> None:
        self.message = Message(message_id, params)
        super().__init__(f"{message_id} {dict(params)}" if params else message_id)

    @property
    def params(self) -> Mapping[str, Any]:
        return self.message.params


class ValidationError(FieldVisitError):
    """Input at a boundary (CLI, import, dialog, JSON) is invalid; nothing was changed."""


class NotFoundError(FieldVisitError):
    """A referenced entity does not exist."""


class PermissionDeniedError(FieldVisitError):
    """The acting user's role does not allow this action."""


class ConflictError(FieldVisitError):
    """The action conflicts with the current state (stale edit, wrong status, duplicate)."""


class DatabaseError(FieldVisitError):
    """The database cannot be used as asked (newer schema, unreachable server, bad backup)."""
