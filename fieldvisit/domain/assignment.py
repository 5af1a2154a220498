"""Rules of case assignment: who may move a case, to which crew, and what actually changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fieldvisit.domain.access import Actor, Permission, may_see_team, require
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

MAX_REASON_LENGTH = 500
NAMED_IN_ERRORS = 5  # an error lists a few offending cases, not thousands


@dataclass(frozen=True)
class Placement:
    """Where a case stands: its team and crew (None: no crew, the team's pool)."""

    team_id: int | None
    crew_id: int | None


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about one case."""

    case_id: int
    case_number: str
    state: str
    placement: Placement


@dataclass(frozen=True)
class CrewFacts:
    crew_id: int
    team_id: int
    active: bool


def checked_reason(reason: str) -> str:
    """A reason is always required: the audit log says why a case changed hands."""
    text = reason.strip()
    if not text:
        raise ValidationError("assign.error.reason_required")
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationError("assign.error.reason_too_long", limit=MAX_REASON_LENGTH)
    return text


def unique_ids(case_ids: Iterable[int]) -> list[int]:
    """The ids once each, in the order given; an empty selection is a mistake worth saying."""
    ids = list(dict.fromkeys(int(i) for i in case_ids))
    if not ids:
        raise ValidationError("assign.error.nothing_selected")
    return ids


def require_may_assign(actor: Actor, team_id: int | None) -> None:
    """Managers move cases of their own team only; admins any team's."""
    require(actor, Permission.ASSIGN_CASES)
    if not may_see_team(actor, team_id):
        raise PermissionDeniedError("assign.error.team_refused", team=team_id or "-")


def check_target(team_id: int, crew: CrewFacts | None) -> Placement:
    """The placement to give; a crew must be active and belong to the team."""
    if crew is None:
        return Placement(team_id, None)
    if crew.team_id != team_id:
        raise ValidationError("assign.error.crew_not_in_team", crew=crew.crew_id, team=team_id)
    if not crew.active:
        raise ValidationError("assign.error.crew_inactive", crew=crew.crew_id)
    return Placement(team_id, crew.crew_id)


def check_found(requested: Sequence[int], found: Mapping[int, CaseFacts]) -> None:
    missing = [case_id for case_id in requested if case_id not in found]
    if missing:
        raise NotFoundError("assign.error.no_case", cases=_listed(missing), count=len(missing))


def check_cases(actor: Actor, cases: Sequence[CaseFacts]) -> None:
    """Each case's current team must be the actor's to change, and no case may be closed."""
    for case in cases:
        if not may_see_team(actor, case.placement.team_id):
            raise PermissionDeniedError(
                "assign.error.case_refused", case=case.case_id, team=case.placement.team_id or "-"
            )
    closed = [c.case_number for c in cases if c.state == CaseState.CLOSED]
    if closed:
        raise ValidationError("assign.error.case_closed", cases=_listed(closed), count=len(closed))


def changes(
    cases: Sequence[CaseFacts], targets: Mapping[int, Placement]
) -> tuple[list[CaseFacts], int]:
    """The cases whose placement differs from their target, and how many already match."""
    moving = [case for case in cases if case.placement != targets[case.case_id]]
    return moving, len(cases) - len(moving)


def check_unchanged_since(cases: Sequence[CaseFacts], expected: Mapping[int, Placement]) -> None:
    """An undo puts cases back only if nobody moved them meanwhile; otherwise it would clobber."""
    moved = [c.case_number for c in cases if c.placement != expected[c.case_id]]
    if moved:
        raise ConflictError("assign.error.changed_since", cases=_listed(moved), count=len(moved))


def _listed(items: Sequence[object]) -> str:
    shown = ", ".join(str(item) for item in items[:NAMED_IN_ERRORS])
    return shown + (" …" if len(items) > NAMED_IN_ERRORS else "")
