"""Check-out with an outcome: record, payment, promise, case state, blackout; on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from fieldvisit.domain.enums import PromiseStatus
from fieldvisit.domain.errors import ConflictError, ValidationError
from fieldvisit.domain.outcomes import OutcomeCode, PaymentMethod, PersonMet
from fieldvisit.domain.records import record_hash
from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
from fieldvisit.services.field.promises import review_promises
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0, World, build_world, outcome


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


def _check_out(world: World, **changes: object) -> int:
    info = world.check_in()
    world.clock.now = T0 + timedelta(minutes=20)
    code = changes.pop("code", OutcomeCode.REFUSED)
    request = CheckOut(info.visit_id or 0, outcome(code, **changes))  # type: ignore[arg-type]
    return FieldCheckout(world.deps).check_out(world.collector, request).visit_id


def test_the_record_is_version_one_with_its_content_hash(world: World) -> None:
    visit_id = _check_out(world)
    with world.db.session_factory() as s:
        visit = s.get_one(m.Visit, visit_id)
        record = visit.records[0]
        assert (visit.status, record.version, record.outcome_code) == ("closed", 1, "refused")
        values = {c.name: getattr(record, c.name) for c in m.VisitRecord.__table__.columns}
        assert record.content_hash == record_hash(values)
        actions = set(s.scalars(select(m.AuditEntry.action)))
    assert {"visit.recorded", "safety.check_in", "safety.session_closed"} <= actions


def test_a_visit_closes_once(world: World) -> None:
    visit_id = _check_out(world)
    with pytest.raises(ConflictError):
        FieldCheckout(world.deps).check_out(world.collector, CheckOut(visit_id, outcome()))


def test_an_incomplete_outcome_is_refused_and_changes_nothing(world: World) -> None:
    info = world.check_in()
    request = CheckOut(info.visit_id or 0, outcome(next_action=None))
    with pytest.raises(ValidationError) as caught:
        FieldCheckout(world.deps).check_out(world.collector, request)
    assert caught.value.params["field"] == "next_action"
    with world.db.session_factory() as s:
        assert s.get_one(m.Visit, info.visit_id).status == "open"
        assert s.scalars(select(m.SafetySession)).one().state == "active"


def test_payment_is_stored_with_its_receipt(world: World) -> None:
    _check_out(
        world,
        code=OutcomeCode.PAYMENT_COLLECTED,
        payment_amount=Decimal("800.00"),
        payment_method=PaymentMethod.CASH,
        receipt_no="R-001",
    )
    with world.db.session_factory() as s:
        payment = s.scalars(select(m.Payment)).one()
    assert (payment.amount, payment.receipt_no) == (Decimal("800.00"), "R-001")


def test_a_promise_is_kept_by_a_payment_made_anywhere(world: World) -> None:
    _check_out(
        world,
        code=OutcomeCode.PROMISE_TO_PAY,
        ptp_amount=Decimal("500"),
        ptp_date=date(2026, 12, 10),
    )
    with world.db.session_factory.begin() as s:
        s.add(
            m.Payment(
                case_id=world.case_id, amount=Decimal("500"), paid_on=date(2026, 12, 9),
                method="bank_transfer", source="import", created_at=T0,
            )
        )  # fmt: skip
    assert review_promises(world.deps, date(2026, 12, 10)) == []  # follow-up the day after
    [follow_up] = review_promises(world.deps, date(2026, 12, 11))
    assert follow_up.status == PromiseStatus.KEPT


def test_an_unpaid_promise_is_broken(world: World) -> None:
    _check_out(
        world,
        code=OutcomeCode.PROMISE_TO_PAY,
        ptp_amount=Decimal("500"),
        ptp_date=date(2026, 12, 5),
    )
    [follow_up] = review_promises(world.deps, date(2026, 12, 6))
    assert follow_up.status == PromiseStatus.BROKEN
    assert review_promises(world.deps, date(2026, 12, 7)) == []


@pytest.mark.parametrize(
    ("code", "state"),
    [(OutcomeCode.DISPUTE_RAISED, "disputed"), (OutcomeCode.COMPLAINT, "complaint_pending")],
)
def test_dispute_and_complaint_block_the_case(world: World, code: OutcomeCode, state: str) -> None:
    _check_out(world, code=code)
    with world.db.session_factory() as s:
        assert s.get_one(m.Case, world.case_id).state == state


def test_not_at_this_time_becomes_a_declared_blackout(world: World) -> None:
    _check_out(world, code=OutcomeCode.NOT_AT_THIS_TIME)
    with world.db.session_factory() as s:
        blackout = s.scalars(select(m.Availability)).one()
    assert (blackout.kind, blackout.source, blackout.weekday) == ("blackout", "visit", 1)
    assert (blackout.start_time.hour, blackout.end_time.hour) == (9, 11)


def test_not_here_blocks_this_address_only(world: World) -> None:
    _check_out(world, code=OutcomeCode.NOT_HERE)
    with world.db.session_factory() as s:
        blackout = s.scalars(select(m.Availability)).one()
    assert (blackout.address_id, blackout.weekday) == (world.address_id, None)


def test_every_visit_counts_as_a_contact(world: World) -> None:
    _check_out(world, code=OutcomeCode.NOT_HOME, person_met=PersonMet.NOBODY)
    with world.db.session_factory() as s:
        contact = s.scalars(select(m.Contact)).one()
    assert (contact.channel, contact.contacted, contact.outcome) == ("visit", False, "not_home")
