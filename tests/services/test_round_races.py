"""Two real processes race on the same round on PostgreSQL: exactly one wins, the other is told
in words who changed what (issue #21 item 2, issue #19). No lost update, no driver traceback."""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests import pg_demo as demo_databases
from tests.conftest import DEMO_TODAY, _pg_admin_url

pytestmark = pytest.mark.postgres
RACES = 20
CREW = 1


@pytest.fixture
def pg_demo() -> Iterator[str]:
    """A private copy of the demo on PostgreSQL."""
    admin_url = make_url(_pg_admin_url())
    name = demo_databases.demo_copy(admin_url, DEMO_TODAY)
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    demo_databases.drop(admin_url, name)


def _services(url: str) -> Any:
    from fieldvisit.app.wiring import build_services
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
    from fieldvisit.storage.database import Database

    database = Database.open(url)
    return build_services(database, AuditLog(DEMO_AUDIT_KEY, system_clock), system_clock)


def _actor(services: Any, username: str) -> Any:
    from fieldvisit.services.field.safety_users import actor_by_username

    return actor_by_username(services.safety, username)


def _worker(url: str, jobs: list[tuple[str, Any]], barrier: Any, results: Any) -> None:
    """Run each job right after the other process reached the same point (the barrier)."""
    from fieldvisit.domain.errors import FieldVisitError
    from fieldvisit.i18n import render

    services = _services(url)
    for kind, job in jobs:
        if kind == "save":
            username, plan = job
            actor = _actor(services, username)
            version = services.plan.rounds.current_version(plan.crew_id, plan.plan_date)
            barrier.wait()
            call = functools.partial(services.plan.rounds.save_draft, actor, plan, version)
        else:
            username, round_id, approve = job
            actor = _actor(services, username)
            barrier.wait()
            rounds = services.plan.rounds
            decide = rounds.approve if approve else rounds.reject
            call = functools.partial(decide, actor, round_id, "race test")
        try:
            call()
            results.put(("won", ""))
        except FieldVisitError as exc:
            results.put(("told", render(exc.message, "en")))
        except Exception as exc:
            results.put(("traceback", f"{type(exc).__name__}: {exc}"))


def _race(url: str, jobs_a: list[Any], jobs_b: list[Any]) -> list[tuple[str, str]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2, timeout=120), context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, jobs, barrier, results))
        for jobs in (jobs_a, jobs_b)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in range(len(jobs_a) * 2)]
    for worker in workers:
        worker.join(timeout=60)
    return outcomes


def _pairs(outcomes: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    # Results arrive in race order: both of race i before any of race i+1 (the barrier).
    return [sorted(outcomes[i : i + 2]) for i in range(0, len(outcomes), 2)]


def _weekdays(count: int) -> list[date]:
    days, day = [], DEMO_TODAY
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def test_two_processes_saving_and_deciding_the_same_round(pg_demo: str) -> None:
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest
    from fieldvisit.storage import models as m

    services = _services(pg_demo)
    members = sorted(services.plan.rounds.crew_members(CREW))
    with services.safety.session_factory() as s:
        planner = s.get_one(m.User, members[0]).username
        crew = s.get_one(m.Crew, CREW)
        manager = s.scalars(
            select(m.User.username).where(
                m.User.role == "manager", m.User.team_id == crew.team_id, m.User.id.not_in(members)
            )
        ).first()
    assert manager is not None, "the demo team has a manager outside the crew"
    actor = _actor(services, planner)
    days = _weekdays(RACES)
    plans = [
        services.plan.planning.optimise(actor, DayRequest(CREW, day), Budget(seconds=0.2, seed=1))
        for day in days
    ]
    assert all(p.stops for p in plans), "the demo crew has cases to plan on each day"

    # 1. Twenty races on a round that does not exist yet, then twenty on the round just saved.
    saves = [("save", (planner, plan)) for plan in plans]
    outcomes = _pairs(_race(pg_demo, saves * 2, saves * 2))
    assert len(outcomes) == 2 * RACES
    for pair in outcomes:
        assert [kind for kind, _ in pair] == ["told", "won"], pair
        assert "while you were working on it" in pair[0][1], pair
    with services.safety.session_factory() as s:
        saved = s.scalars(
            select(m.Round).where(m.Round.crew_id == CREW, m.Round.plan_date.in_(days))
        ).all()
        assert len(saved) == RACES  # one round per day, none lost, none doubled

    # 2. Twenty approve-against-reject races on submitted rounds.
    planner_actor = _actor(services, planner)
    ids = [r.id for r in sorted(saved, key=lambda r: r.plan_date)]
    for round_id in ids:
        services.plan.rounds.submit(planner_actor, round_id)
    approve = [("decide", (manager, round_id, True)) for round_id in ids]
    reject = [("decide", (manager, round_id, False)) for round_id in ids]
    outcomes = _pairs(_race(pg_demo, approve, reject))
    for pair in outcomes:
        assert [kind for kind, _ in pair] == ["told", "won"], pair
    with services.safety.session_factory() as s:
        decisions = s.scalars(select(m.Approval.round_id).where(m.Approval.round_id.in_(ids))).all()
        assert sorted(decisions) == sorted(ids)  # exactly one decision per round

    # The chain stayed linear and every seal matches: verify passes.
    from fieldvisit.services.audit import DEMO_AUDIT_KEY
    from fieldvisit.services.records.verify import verify_audit

    report = verify_audit(services.safety.session_factory, DEMO_AUDIT_KEY, None)
    assert report.ok, report.problems[:5]
