"""A round's lifecycle: draft → submitted → approved/rejected → in progress → closed.

Pure rules the round service enforces: who may approve, what an edit does to a decision already
taken, which steps are allowed from which status, and which approvals a mid-day re-plan keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import RoundStatus, StopApproval
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


def decide(
    actor: Actor,
    status: RoundStatus,
    crew_member_ids: frozenset[int],
    reason: str,
    pending_exceptions: int = 0,
) -> None:
    """Refuse a decision that breaks the approval rules; the reason is always required.

    A submitted round is decided as a whole; a round in progress only when a re-plan added
    exceptions that wait for a decision (the crew keeps working on the rest meanwhile).
    """
    if not allows(actor, Permission.APPROVE_ROUND):
        raise PermissionDeniedError(
            "error.permission.denied",
            permission=Permission.APPROVE_ROUND.value,
            role=actor.role.value,
        )
    if actor.user_id in crew_member_ids:
        raise PermissionDeniedError("round.error.own_round")
    if status is not _S.SUBMITTED and not (status is _S.IN_PROGRESS and pending_exceptions):
        raise ConflictError("round.error.not_submitted", status=status.value)
    if not reason.strip():
        raise ValidationError("round.error.reason_required")


def replanned_approval(
    rules: frozenset[str], before: StopApproval | None, approved_rules: frozenset[str]
) -> StopApproval:
    """A re-planned stop's approval: kept when it raises no rule beyond those already approved.

    ``before`` is the approval of the same case's stop before the re-plan (None: a case added).
    """
    if not rules:
        return StopApproval.NONE
    if before is StopApproval.APPROVED and rules <= approved_rules:
        return StopApproval.APPROVED
    return StopApproval.PENDING


def replan(status: RoundStatus) -> None:
    """Only a round under way is re-planned; before the start it is simply edited."""
    if status is not _S.IN_PROGRESS:
        raise ConflictError("replan.error.not_in_progress", status=status.value)
