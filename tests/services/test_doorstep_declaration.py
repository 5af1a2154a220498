"""What the debtor declares at the door is saved with the check-out and honoured the next day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.declarations import DoorstepDeclaration, DoorstepKind
from fieldvisit.domain.enums import Role, Severity
from fieldvisit.domain.errors import ConflictError
from fieldvisit.domain.organisation import FieldError
from fieldvisit.domain.outcomes import OutcomeCode
from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
from fieldvisit.services.field.client import FieldClient
from fieldvisit.services.field.queue import LocalQueue
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.eligibility_model import Eligibility, SlotRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_field_offline import CLOSED_PORT_URL
from tests.services.test_safety_world import T0, World, build_world, outcome

OFFICER = Actor(user_id=0, role=Role.COMPLIANCE)
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEXT_DAY = date(2026, 12, 2)  # the day after the visit (T0 is 10:00 on 1 December in Shanghai)
MORNINGS = DoorstepDeclaration(DoorstepKind.INCONVENIENT, None, time(9), time(12), "works nights")


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


def _check_out(
    world: World, declared: DoorstepDeclaration, code: OutcomeCode = OutcomeCode.NOT_AT_THIS_TIME
) -> int:
    info = world.check_in()
    world.clock.now = T0 + timedelta(minutes=20)
    request = CheckOut(info.visit_id or 0, outcome(code), declaration=declared)
    return FieldCheckout(world.deps).check_out(world.collector, request).visit_id


def test_declared_times_are_stored_with_the_check_out_and_audited(world: World) -> None:
    _check_out(world, MORNINGS)
    with world.db.session_factory() as s:
        # The debtor's own times replace the two hours a "not at this time" would guess.
        row = s.scalars(select(m.Availability)).one()
        actions = list(s.scalars(select(m.AuditEntry.action).order_by(m.AuditEntry.seq)))
    assert (row.kind, row.source, row.weekday, row.address_id) == ("blackout", "visit", None, None)
    assert (row.start_time, row.end_time, row.note) == (time(9), time(12), "works nights")
    assert row.declared_on == date(2026, 12, 1)  # the local date of the visit
    assert row.created_by == world.collector.user_id
    assert actions.index("visit.recorded") < actions.index("debtor.availability_added")


def test_the_next_day_refuses_the_declared_window_and_names_the_rule(world: World) -> None:
    _check_out(world, MORNINGS)
    service = EligibilityService(world.db.session_factory)
    day = service.for_case(OFFICER, world.case_id, NEXT_DAY, world.crew_id)
    assert [str(i) for i in day.intervals] == ["08:00–09:00", "12:00–22:00"]
    at_ten = datetime.combine(NEXT_DAY, time(10), SHANGHAI)
    [slot] = service.slot_verdicts(
        OFFICER, NEXT_DAY, world.crew_id, [SlotRequest(world.case_id, at_ten)]
    )
    assert not slot.fits
    [reason] = [r for r in slot.reasons if r.rule == "CN.blackout"]
    assert reason.severity is Severity.BLOCK
    assert reason.source.en  # the legal source is named with the refusal
    at_two = datetime.combine(NEXT_DAY, time(14), SHANGHAI)
    [later] = service.slot_verdicts(
        OFFICER, NEXT_DAY, world.crew_id, [SlotRequest(world.case_id, at_two)]
    )
    assert later.fits


def test_a_refusal_of_visits_blocks_that_address_every_day(world: World) -> None:
    refusal = DoorstepDeclaration(DoorstepKind.NO_VISITS_HERE, 2, time(9), time(10))
    assert (refusal.weekday, refusal.start, refusal.end) == (None, time(0), time.max)
    _check_out(world, refusal, OutcomeCode.REFUSED)
    with world.db.session_factory() as s:
        row = s.scalars(select(m.Availability)).one()
    assert row.address_id == world.address_id
    service = EligibilityService(world.db.session_factory)
    for day in (NEXT_DAY, NEXT_DAY + timedelta(days=30)):
        result = service.for_case(OFFICER, world.case_id, day, world.crew_id)
        assert result.status is Eligibility.BLOCKED
        assert "CN.blackout" in [r.rule for r in result.reasons]
        assert result.intervals == ()


def test_not_here_keeps_its_address_block_beside_declared_times(world: World) -> None:
    _check_out(world, MORNINGS, OutcomeCode.NOT_HERE)
    with world.db.session_factory() as s:
        rows = s.scalars(select(m.Availability).order_by(m.Availability.id)).all()
    assert [(r.address_id, r.start_time) for r in rows] == [
        (world.address_id, time(0)),  # the outcome's own: not at this address, all day
        (None, time(9)),  # and the times the debtor declared
    ]


def test_a_failed_check_out_keeps_no_declaration(world: World) -> None:
    visit_id = _check_out(world, MORNINGS)
    again = CheckOut(visit_id, outcome(OutcomeCode.REFUSED), declaration=MORNINGS)
    with pytest.raises(ConflictError):
        FieldCheckout(world.deps).check_out(world.collector, again)
    with world.db.session_factory() as s:
        assert s.scalar(select(func.count(m.Availability.id))) == 1


def test_inconvenient_times_must_end_after_they_start() -> None:
    with pytest.raises(FieldError) as caught:
        DoorstepDeclaration(DoorstepKind.INCONVENIENT, None, time(12), time(9))
    assert caught.value.field == "end"


def test_a_declaration_queued_offline_lands_with_the_check_out(
    world: World, tmp_path: Path
) -> None:
    queue = LocalQueue(tmp_path / "outbox.jsonl")
    info = world.check_in()
    offline_db = Database.open(CLOSED_PORT_URL)
    offline = FieldClient(replace(world.deps, session_factory=offline_db.session_factory), queue)
    request = CheckOut(info.visit_id or 0, outcome(OutcomeCode.REFUSED), declaration=MORNINGS)
    assert not offline.check_out(world.collector, request).delivered
    offline_db.dispose()
    assert FieldClient(world.deps, queue).flush().sent == 1
    with world.db.session_factory() as s:
        row = s.scalars(select(m.Availability)).one()
    assert (row.start_time, row.end_time, row.note) == (time(9), time(12), "works nights")
