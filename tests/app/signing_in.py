"""Commands sign in as a person: the demo's users, who plans or assigns for which crew or team."""

from __future__ import annotations

import pytest

from fieldvisit.demo.past import DEMO_PASSWORD

# The demo's first collector of each crew, and the manager of each team.
CREW_MEMBER = {1: "col.sh-e.11", 2: "col.sh-e.21", 3: "col.sh-c.11", 4: "col.sh-c.21"}
TEAM_MANAGER = {1: "mgr.sh-e", 2: "mgr.sh-c", 3: "mgr.sh-w"}


def demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read the password from the environment, as a script would."""
    monkeypatch.setenv("FIELDVISIT_PASSWORD", DEMO_PASSWORD)
