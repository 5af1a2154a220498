"""Who is told about which change: role, team and crew decide (no database needed)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import create_engine

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.server.events import Event, EventBus, may_receive

COLLECTOR = Actor(2, Role.COLLECTOR, team_id=1, crew_ids=frozenset({1}))
MANAGER = Actor(1, Role.MANAGER, team_id=1)
OTHER_MANAGER = Actor(6, Role.MANAGER, team_id=2)
LEAD = Actor(16, Role.SAFETY_LEAD)
COMPLIANCE = Actor(17, Role.COMPLIANCE)
ADMIN = Actor(18, Role.ADMIN)


@pytest.mark.parametrize(
    ("event", "told"),
    [
        (Event("round.submitted", {}, team_id=1, crew_id=1), {MANAGER, ADMIN, COLLECTOR}),
        (Event("round.approved", {}, team_id=1, crew_id=1), {MANAGER, COLLECTOR}),
        (Event("round.submitted", {}, team_id=2, crew_id=3), {OTHER_MANAGER, ADMIN}),
        (Event("safety.checked_in", {}, team_id=1, crew_id=1), {MANAGER, LEAD, COLLECTOR}),
        # The watcher names the crew's team, never the crew (duress): its managers and the leads.
        (Event("alarm.raised", {}, team_id=1), {MANAGER, LEAD}),
        (Event("watcher.silent", {}, team_id=None), {MANAGER, OTHER_MANAGER, LEAD}),
        (Event("something.new", {}, team_id=1), set()),
        (Event("search.cancel", {"token": "t", "user_id": 2}), set()),  # for the servers only
    ],
)
def test_who_is_told(event: Event, told: set[Actor]) -> None:
    everyone = {COLLECTOR, MANAGER, OTHER_MANAGER, LEAD, COMPLIANCE, ADMIN}
    assert {actor for actor in everyone if may_receive(actor, event)} == told


def test_an_event_survives_the_trip_through_notify() -> None:
    event = Event("round.approved", {"round_id": 7, "by": "经理"}, 1, 2, "host:1")
    assert Event.from_json(event.to_json()) == event


def test_a_kind_with_a_handler_goes_to_the_handler_and_to_no_stream() -> None:
    bus = EventBus(create_engine("sqlite://"), "here")  # one process: delivered in place
    heard: list[dict[str, Any]] = []
    bus.handlers["search.cancel"] = heard.append

    async def streamed() -> list[str]:
        _key, queue = bus.subscribe(ADMIN)
        bus.publish(Event("search.cancel", {"token": "t", "user_id": 18}))
        bus.publish(Event("round.submitted", {"round_id": 1}, team_id=1))
        await asyncio.sleep(0.05)  # the bus hands events to the loop with call_soon_threadsafe
        kinds = []
        while not queue.empty():
            event = queue.get_nowait()
            assert event is not None
            kinds.append(event.kind)
        return kinds

    assert asyncio.run(streamed()) == ["round.submitted"]
    assert heard == [{"token": "t", "user_id": 18}]
