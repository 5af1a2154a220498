"""Four processes append audit entries through the real services on PostgreSQL at once: the chain
stays one line (no gap, no double, each entry linked to its predecessor) and verifies (#19)."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from sqlalchemy import select

from tests.services.test_round_races import _actor, _services, pg_demo  # noqa: F401

pytestmark = pytest.mark.postgres
WRITERS = 4
PER_WRITER = 25


def _writer(url: str, lead: str, barrier: Any, results: Any) -> None:
    """A safety lead adding risk notes, one audited transaction each."""
    from fieldvisit.domain.enums import RiskCategory, RiskTier
    from fieldvisit.services.field.risk_register import NewRiskNote
    from fieldvisit.storage import models as m

    services = _services(url)
    actor = _actor(services, lead)
    with services.safety.session_factory() as s:
        addresses = list(s.scalars(select(m.Address.id).order_by(m.Address.id).limit(PER_WRITER)))
    barrier.wait()
    for number in range(PER_WRITER):
        note = NewRiskNote(addresses[number], RiskCategory.DOG, f"writer {number}", RiskTier.LOW)
        try:
            services.field.risks.add_note(actor, note)
            results.put("ok")
        except Exception as exc:
            results.put(f"{type(exc).__name__}: {exc}")


def test_four_writers_keep_one_verified_chain(request: pytest.FixtureRequest) -> None:
    from fieldvisit.domain.audit_chain import GENESIS_HASH
    from fieldvisit.services.audit import DEMO_AUDIT_KEY
    from fieldvisit.services.records.verify import verify_audit
    from fieldvisit.storage import models as m

    url = request.getfixturevalue("pg_demo")
    services = _services(url)
    with services.safety.session_factory() as s:
        lead = s.scalars(select(m.User.username).where(m.User.role == "safety_lead")).first()
        before = s.scalar(select(m.AuditEntry.seq).order_by(m.AuditEntry.seq.desc()).limit(1))
    assert lead is not None
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS, timeout=120), context.Queue()
    workers = [
        context.Process(target=_writer, args=(url, lead, barrier, results)) for _ in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in range(WRITERS * PER_WRITER)]
    for worker in workers:
        worker.join(timeout=60)
    assert [o for o in outcomes if o != "ok"] == []
    with services.safety.session_factory() as s:
        chain = s.execute(
            select(m.AuditEntry.seq, m.AuditEntry.prev_hash, m.AuditEntry.entry_hash).order_by(
                m.AuditEntry.seq
            )
        ).all()
        notes = s.scalars(select(m.AuditEntry.seq).where(m.AuditEntry.action.like("risk%")))
        new_notes = [seq for seq in notes if seq > (before or 0)]
    assert [row.seq for row in chain] == list(range(1, len(chain) + 1))
    assert all(
        row.prev_hash == (chain[i - 1].entry_hash if i else GENESIS_HASH)
        for i, row in enumerate(chain)
    )
    assert len(new_notes) == WRITERS * PER_WRITER
    report = verify_audit(services.safety.session_factory, DEMO_AUDIT_KEY, None)
    assert report.ok, report.problems[:5]
