"""The risk register sets tier, daylight-only and two-person rules and the checklist."""

from __future__ import annotations

import pytest

from fieldvisit.domain.enums import RiskCategory, RiskTier
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.services.field.risk_register import NewRiskNote, RiskRegister
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import build_world


def test_notes_set_the_highest_tier_and_every_rule(database: Database) -> None:
    world = build_world(database)
    register = RiskRegister(world.deps)
    assert register.assessment(world.address_id).tier == RiskTier.LOW
    register.add_note(
        world.lead,
        NewRiskNote(world.address_id, RiskCategory.DOG, "院内有大型犬", RiskTier.MEDIUM),
    )
    violent = register.add_note(
        world.manager,
        NewRiskNote(
            world.address_id, RiskCategory.VIOLENCE_HISTORY, "曾威胁上门人员", RiskTier.HIGH,
            daylight_only=True, two_person=True, checklist=("提前通知辖区派出所",),
        ),
    )  # fmt: skip
    found = register.assessment(world.address_id)
    assert (found.tier, found.daylight_only, found.two_person) == (RiskTier.HIGH, True, True)
    assert found.checklist == (
        "safety.check.dog",
        "safety.check.violence",
        "safety.check.exit_route",
        "提前通知辖区派出所",
    )
    assert found.notes[1].author_name == "mgr"
    register.retire_note(world.lead, violent.id)
    assert register.assessment(world.address_id).tier == RiskTier.MEDIUM


def test_collectors_cannot_edit_the_register(database: Database) -> None:
    world = build_world(database)
    note = NewRiskNote(world.address_id, RiskCategory.OTHER, "x", RiskTier.LOW)
    with pytest.raises(PermissionDeniedError):
        RiskRegister(world.deps).add_note(world.collector, note)


def test_a_note_needs_text(database: Database) -> None:
    world = build_world(database)
    note = NewRiskNote(world.address_id, RiskCategory.OTHER, "  ", RiskTier.LOW)
    with pytest.raises(ValidationError):
        RiskRegister(world.deps).add_note(world.lead, note)
