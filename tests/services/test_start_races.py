"""Two crew partners start two stops of one approved round at the same moment on PostgreSQL: both
visits are recorded, nobody sees a driver exception (the server used to answer 500 with a
StaleDataError from the round's version; issue #19 item 5)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from tests.services.test_round_races import (  # noqa: F401  (pg_demo is a fixture)
    CREW,
    _actor,
    _services,
    _weekdays,
    pg_demo,
)

pytestmark = pytest.mark.postgres
RACES = 20


def _approved_rounds(services: Any, count: int) -> tuple[list[int], list[str]]:
    """``count`` approved rounds of the demo crew (two stops or more each) and its members."""
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest
    from fieldvisit.storage import models as m

    members = sorted(services.plan.rounds.crew_members(CREW))
    with services.safety.session_factory() as s:
        names = [s.get_one(m.User, user_id).username for user_id in members]
        crew = s.get_one(m.Crew, CREW)
        manager = s.scalars(
            select(m.User.username).where(
                m.User.role == "manager", m.User.team_id == crew.team_id, m.User.id.not_in(members)
            )
        ).first()
    assert manager is not None, "the demo team has a manager outside the crew"
    assert len(names) >= 2, "the demo crew is a pair"
    planner, boss = _actor(services, names[0]), _actor(services, manager)
    ids = []
    for day in _weekdays(count):
        request = DayRequest(CREW, day)
        plan = services.plan.planning.optimise(planner, request, Budget(seconds=0.2, seed=1))
        assert len(plan.stops) >= 2
        saved = services.plan.rounds.save_draft(planner, plan, None)
        services.plan.rounds.submit(planner, saved.round_id)
        services.plan.rounds.approve(boss, saved.round_id, "start race test")
        ids.append(saved.round_id)
    return ids, names


def test_partners_starting_two_stops_at_once_both_get_their_visit(
    request: pytest.FixtureRequest,
) -> None:
    from fieldvisit.domain.errors import FieldVisitError
    from fieldvisit.storage import models as m

    url = request.getfixturevalue("pg_demo")

    services = _services(url)
    round_ids, names = _approved_rounds(services, RACES)
    with services.safety.session_factory() as s:
        pairs = [[st.id for st in s.get_one(m.Round, round_id).stops[:2]] for round_id in round_ids]
    clients = [_services(url) for _ in range(2)]  # two apps, two engines
    actors = [_actor(client, name) for client, name in zip(clients, names, strict=False)]
    barrier = threading.Barrier(2, timeout=60)
    told: list[str] = []
    crashed: list[str] = []

    def partner(number: int) -> None:
        for stops in pairs:
            barrier.wait()
            try:
                clients[number].field.today.start(actors[number], stops[number])
            except FieldVisitError as exc:
                told.append(exc.message.id)
            except Exception as exc:  # the defect this test is about
                crashed.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=partner, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not crashed, crashed
    assert not told, told  # different stops: retrying once always succeeds
    with services.safety.session_factory() as s:
        started = set(s.scalars(select(m.Visit.round_stop_id)))
        statuses = {s.get_one(m.Round, round_id).status for round_id in round_ids}
    assert {stop for pair in pairs for stop in pair} <= started
    assert statuses == {"in_progress"}


def test_a_planner_editing_the_round_the_crew_starts_gets_words_not_a_traceback(
    request: pytest.FixtureRequest,
) -> None:
    """Editing an approved round replaces its stops; the crew starting one of them at that
    moment made the edit fail on the visit's key to the stop (a 500 on the server)."""
    from fieldvisit.domain.errors import FieldVisitError
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest
    from fieldvisit.storage import models as m

    url = request.getfixturevalue("pg_demo")
    services = _services(url)
    round_ids, names = _approved_rounds(services, RACES // 2)
    planner, crew = _actor(services, names[0]), _actor(services, names[1])
    jobs = []
    with services.safety.session_factory() as s:
        for round_id in round_ids:
            saved = s.get_one(m.Round, round_id)
            request_ = DayRequest(CREW, saved.plan_date)
            plan = services.plan.planning.optimise(planner, request_, Budget(seconds=0.2, seed=2))
            jobs.append((plan, saved.version, saved.stops[0].id))
    clients = [_services(url) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=60)
    outcomes: list[tuple[str, str]] = []

    def act(number: int) -> None:
        for plan, version, stop_id in jobs:
            barrier.wait()
            try:
                if number == 0:
                    clients[0].plan.rounds.save_draft(planner, plan, version)
                else:
                    clients[1].field.today.start(crew, stop_id)
                outcomes.append(("won", ""))
            except FieldVisitError as exc:
                outcomes.append(("told", exc.message.id))
            except Exception as exc:  # the defect this test is about
                outcomes.append(("traceback", f"{type(exc).__name__}: {exc}"))

    threads = [threading.Thread(target=act, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(outcomes) == 2 * len(jobs)
    assert [o for o in outcomes if o[0] == "traceback"] == []
    with services.safety.session_factory() as s:
        for round_id in round_ids:
            saved = s.get_one(m.Round, round_id)
            started = s.scalars(
                select(m.Visit.id).where(m.Visit.round_stop_id.in_([st.id for st in saved.stops]))
            ).all()
            # Either the crew's start won (the round is under way with its visit) or the edit
            # did (a draft again, no visit): never both, never a visit of a replaced stop.
            assert (saved.status, bool(started)) in (("in_progress", True), ("draft", False))
