"""Each role sees the screens it may use, and every registered screen opens on demo data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.ui.context import ScreenContext
from fieldvisit.ui.screens import SCREENS, screens_for


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COLLECTOR, {"cases", "records"}),
        (Role.MANAGER, {"cases", "safety", "records", "reports", "import"}),
        (Role.SAFETY_LEAD, {"cases", "safety"}),
        (Role.COMPLIANCE, {"cases", "records", "reports", "policy"}),
        (Role.ADMIN, {"cases", "reports", "import"}),
    ],
)
def test_roles_see_their_screens(role: Role, expected: set[str]) -> None:
    keys = {spec.key for spec in screens_for(Actor(1, role, team_id=1))}
    assert expected <= keys


@pytest.mark.parametrize("spec", SCREENS, ids=lambda spec: spec.key)
def test_every_screen_opens_for_a_role_that_may_use_it(
    spec: object,
    qtbot: QtBot,
    actor_of: Callable[[Role], Actor],
    context_for: Callable[[Actor, str], ScreenContext],
) -> None:
    role = next(r for r in Role if spec.available_to(actor_of(r)))  # type: ignore[attr-defined]
    widget = spec.factory(context_for(actor_of(role), "zh"))  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.isVisible()
    stop = getattr(widget, "stop", None)
    if callable(stop):
        stop()
