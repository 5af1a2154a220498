"""What the server's routes share: the services, the event bus, the solve contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from fieldvisit.server.events import EventBus
from fieldvisit.server.searches import CANCEL_EVENT, Searches
from fieldvisit.server.silence import SilenceMonitor
from fieldvisit.server.watcher import Watching
from fieldvisit.services.admin.sessions import SessionTokens
from fieldvisit.services.catalog import Services

# The JSON solve contract (spec/solve.md): a problem document in, a solution document out.
# Passed in by the command that starts the server, which owns ``fieldvisit.app.solve``.
SolveDocument = Callable[[Any], dict[str, Any]]


@dataclass
class ServerContext:
    services: Services
    engine: Engine
    bus: EventBus
    solve_document: SolveDocument
    watcher: Watching | None = None
    crew_teams: dict[int, int | None] = field(default_factory=dict)
    silence: SilenceMonitor | None = None  # the red banner's events
    searches: Searches = field(default_factory=Searches)  # the desktops' planning calls

    def __post_init__(self) -> None:
        self.bus.handlers[CANCEL_EVENT] = self.searches.on_event

    @property
    def tokens(self) -> SessionTokens:
        if self.services.tokens is None:  # wiring always builds it; a hand-made set may not
            raise RuntimeError("the server needs services built by fieldvisit.app.wiring")
        return self.services.tokens
