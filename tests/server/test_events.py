"""Who is told about which change: role, team and crew decide (no database needed)."""

from __future__ import annotations

import pytest

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.server.events import Event, may_receive

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
    ],
)
def test_who_is_told(event: Event, told: set[Actor]) -> None:
    everyone = {COLLECTOR, MANAGER, OTHER_MANAGER, LEAD, COMPLIANCE, ADMIN}
    assert {actor for actor in everyone if may_receive(actor, event)} == told


def test_an_event_survives_the_trip_through_notify() -> None:
    event = Event("round.approved", {"round_id": 7, "by": "经理"}, 1, 2, "host:1")
    assert Event.from_json(event.to_json()) == event
