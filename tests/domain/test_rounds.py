"""The round lifecycle rules, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.domain import rounds
from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role, RoundStatus, StopApproval
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
    # The same decision is allowed with a reason and refused without one.
    rounds.decide(MANAGER, RoundStatus.SUBMITTED, frozenset({1, 2}), "ok: exceptions explained")
    with pytest.raises(ValidationError, match=r"round\.error\.reason_required"):
        rounds.decide(MANAGER, RoundStatus.SUBMITTED, frozenset({1, 2}), "   ")


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


RULES = st.frozensets(st.sampled_from(["CN.min_gap_days", "CN.vulnerable", "CN.late_hours"]))


@given(rules=RULES, approved=RULES, before=st.sampled_from([*StopApproval, None]))
def test_a_replanned_stop_keeps_its_approval_only_within_what_was_approved(
    rules: frozenset[str], approved: frozenset[str], before: StopApproval | None
) -> None:
    after = rounds.replanned_approval(rules, before, approved)
    if not rules:
        assert after is StopApproval.NONE
    elif before is StopApproval.APPROVED and rules <= approved:
        assert after is StopApproval.APPROVED
    else:
        assert after is StopApproval.PENDING  # a new or widened exception goes to a manager


def test_a_round_under_way_is_decided_only_on_a_replan_s_new_exceptions() -> None:
    with pytest.raises(ConflictError, match="not_submitted"):
        rounds.decide(MANAGER, RoundStatus.IN_PROGRESS, frozenset(), "ok", pending_exceptions=0)
    rounds.decide(MANAGER, RoundStatus.IN_PROGRESS, frozenset(), "ok", pending_exceptions=1)
    with pytest.raises(PermissionDeniedError):
        rounds.decide(MANAGER, RoundStatus.IN_PROGRESS, frozenset({10}), "ok", 1)


@pytest.mark.parametrize("status", [s for s in RoundStatus if s is not RoundStatus.IN_PROGRESS])
def test_only_a_round_under_way_is_replanned(status: RoundStatus) -> None:
    with pytest.raises(ConflictError, match="not_in_progress"):
        rounds.replan(status)
    rounds.replan(RoundStatus.IN_PROGRESS)
