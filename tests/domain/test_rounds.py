"""The round lifecycle rules, without a database."""

from __future__ import annotations

import pytest

from fieldvisit.domain import rounds
from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role, RoundStatus
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError

MANAGER = Actor(10, Role.MANAGER, team_id=1)


@pytest.mark.parametrize(
    ("status", "withdraws"),
    [
        (RoundStatus.DRAFT, False),
        (RoundStatus.SUBMITTED, False),
        (RoundStatus.REJECTED, False),
        (RoundStatus.APPROVED, True),
    ],
)
def test_an_edit_returns_to_draft_and_withdraws_only_an_approval(
    status: RoundStatus, withdraws: bool
) -> None:
    assert rounds.edit(status) == rounds.EditOutcome(RoundStatus.DRAFT, withdraws)


@pytest.mark.parametrize("status", [RoundStatus.IN_PROGRESS, RoundStatus.CLOSED])
def test_started_rounds_are_not_edited(status: RoundStatus) -> None:
    with pytest.raises(ConflictError):
        rounds.edit(status)


def test_an_empty_round_is_not_submitted() -> None:
    with pytest.raises(ValidationError, match=r"round\.error\.empty"):
        rounds.submit(RoundStatus.DRAFT, 0)
    assert rounds.submit(RoundStatus.REJECTED, 3) is RoundStatus.SUBMITTED


def test_a_manager_decides_with_a_reason() -> None:
    rounds.decide(MANAGER, RoundStatus.SUBMITTED, frozenset({1, 2}), "ok: exceptions explained")


@pytest.mark.parametrize(
    ("actor", "members", "status", "reason", "error"),
    [
        (
            Actor(1, Role.COLLECTOR, 1),
            frozenset({2}),
            RoundStatus.SUBMITTED,
            "x",
            PermissionDeniedError,
        ),
        (MANAGER, frozenset({10, 11}), RoundStatus.SUBMITTED, "x", PermissionDeniedError),
        (MANAGER, frozenset({1}), RoundStatus.DRAFT, "x", ConflictError),
        (MANAGER, frozenset({1}), RoundStatus.SUBMITTED, "   ", ValidationError),
        (
            Actor(5, Role.COMPLIANCE),
            frozenset({1}),
            RoundStatus.SUBMITTED,
            "x",
            PermissionDeniedError,
        ),
    ],
)
def test_decisions_that_break_the_rules_are_refused(
    actor: Actor, members: frozenset[int], status: RoundStatus, reason: str, error: type
) -> None:
    with pytest.raises(error):
        rounds.decide(actor, status, members, reason)
