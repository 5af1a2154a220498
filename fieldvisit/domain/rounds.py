"""A round's lifecycle: draft → submitted → approved/rejected → in progress → closed.

Pure rules the round service enforces: who may approve, what an edit does to a decision already
taken, and which steps are allowed from which status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError

_S = RoundStatus
EDITABLE = frozenset({_S.DRAFT, _S.SUBMITTED, _S.APPROVED, _S.REJECTED})


@dataclass(frozen=True)
class DayTemplate:
    """A crew's working day when nothing else is set (local wall-clock times)."""

    shift_start: time = time(8, 30)
    shift_end: time = time(18, 0)
    break_earliest: time = time(11, 30)
    break_latest: time = time(13, 30)
    break_minutes: int = 45
    max_visits: int = 10
    service_minutes: int = 30


@dataclass(frozen=True)
class EditOutcome:
    """What saving an edit does: the round's new status, and whether a decision is withdrawn."""

    status: RoundStatus
    withdraws_approval: bool


def edit(status: RoundStatus) -> EditOutcome:
    """An edit puts the round back to draft; an approval given before the round started lapses."""
    if status not in EDITABLE:
        raise ConflictError("round.error.not_editable", status=status.value)
    return EditOutcome(_S.DRAFT, withdraws_approval=status is _S.APPROVED)


def submit(status: RoundStatus, stop_count: int) -> RoundStatus:
    if status not in (_S.DRAFT, _S.REJECTED):
        raise ConflictError("round.error.not_submittable", status=status.value)
    if stop_count == 0:
        raise ValidationError("round.error.empty")
    return _S.SUBMITTED


def decide(actor: Actor, status: RoundStatus, crew_member_ids: frozenset[int], reason: str) -> None:
    """Refuse a decision that breaks the approval rules; the reason is always required."""
    if not allows(actor, Permission.APPROVE_ROUND):
        raise PermissionDeniedError(
            "error.permission.denied",
            permission=Permission.APPROVE_ROUND.value,
            role=actor.role.value,
        )
    if actor.user_id in crew_member_ids:
        raise PermissionDeniedError("round.error.own_round")
    if status is not _S.SUBMITTED:
        raise ConflictError("round.error.not_submitted", status=status.value)
    if not reason.strip():
        raise ValidationError("round.error.reason_required")
