"""Promise-to-pay follow-up: the day after its date a promise becomes kept or broken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldvisit.domain.enums import PromiseStatus
from fieldvisit.domain.outcomes import follow_up_day, promise_kept
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class PromiseFollowUp:
    promise_id: int
    case_id: int
    amount: Decimal
    due_on: date
    paid: Decimal
    status: PromiseStatus


def _paid_since(s: Session, promise: m.Promise) -> Decimal:
    # Payments count wherever they were made: at the door, by bank transfer, imported.
    total = s.scalar(
        select(func.coalesce(func.sum(m.Payment.amount), 0)).where(
            m.Payment.case_id == promise.case_id,
            m.Payment.paid_on >= promise.promised_at.date(),
            m.Payment.paid_on <= promise.due_on,
        )
    )
    return Decimal(total or 0)


def review_promises(deps: SafetyDeps, today: date) -> list[PromiseFollowUp]:
    """Settle every open promise whose follow-up day has come; idempotent."""
    settled: list[PromiseFollowUp] = []
    with deps.session_factory.begin() as s:
        due = s.scalars(
            select(m.Promise)
            .where(m.Promise.status == PromiseStatus.OPEN.value, m.Promise.due_on < today)
            .order_by(m.Promise.id)
        ).all()
        now: datetime = deps.clock()
        for promise in due:
            if follow_up_day(promise.due_on) > today:
                continue
            paid = _paid_since(s, promise)
            status = (
                PromiseStatus.KEPT if promise_kept(promise.amount, paid) else PromiseStatus.BROKEN
            )
            promise.status, promise.resolved_at = status.value, now
            deps.audit.record(
                s,
                actor_id=None,
                action=f"promise.{status.value}",
                entity_type="promise",
                entity_id=promise.id,
                after={"paid": str(paid), "amount": str(promise.amount)},
            )
            settled.append(
                PromiseFollowUp(
                    promise.id, promise.case_id, promise.amount, promise.due_on, paid, status
                )
            )
    return settled
