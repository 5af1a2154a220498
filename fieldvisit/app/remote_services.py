"""Desktop team mode: a ``Services`` whose members call the team server instead of a database.

The window and its screens receive the same ``Services`` container as on SQLite; each member
is a proxy whose methods post to ``/api/v1/call/<service>/<method>``. Local in this mode: the
clock (the system's), the push hub (fed by the server's event stream), nothing else.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from fieldvisit.app.remote_client import ServerConnection
from fieldvisit.app.remote_events import EventFeed
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import Clock, system_clock
from fieldvisit.domain.errors import ValidationError
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.routing import model as rm
from fieldvisit.routing.planner import PlanCancelledError
from fieldvisit.server.rpc_allow import is_allowed
from fieldvisit.services.catalog import FieldServices, NotifyServices, PlanServices, Services
from fieldvisit.services.field.notify_channels import PushHub
from fieldvisit.services.importing.files import read_table
from fieldvisit.services.importing.service import ImportRequest

_log = logging.getLogger(__name__)
CANCEL_POLL_SECONDS = 0.2
# The services' few properties, as the server's wiring sets them (a property is no call).
PROPERTIES: dict[tuple[str, str], Any] = {
    ("cases", "supports_eligibility"): True,  # wiring gives the server's CaseQueries the filter
}


class RemoteService:
    """Stands in for ``services.<path>``: every allowed method runs on the server."""

    def __init__(self, connection: ServerConnection, path: str) -> None:
        self._connection = connection
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if (self._path, name) in PROPERTIES:
            return PROPERTIES[(self._path, name)]
        if not is_allowed(self._path, name):
            return functools.partial(_not_served, f"{self._path}.{name}")
        connection, path = self._connection, self._path

        def call(*args: Any, **kwargs: Any) -> Any:
            planner = kwargs.get("planner")
            hooks = _hooks_of(planner) if callable(planner) else None
            if hooks is None:
                return connection.call(path, name, args, kwargs)
            search = uuid.uuid4().hex
            return _cancellable(
                lambda: connection.call(path, name, args, kwargs, search=search),
                hooks,
                lambda: connection.cancel_search(search),
            )

        return call

    def __repr__(self) -> str:
        return f"<remote {self._path} at {self._connection.address.url}>"


class RemoteImports(RemoteService):
    """The import dialog's calls: the file is on this computer, so its bytes go in the call."""

    def preview(
        self, path: Path, kind: ImportKind, creditor_code: str | None = None, rows: int = 20
    ) -> Any:
        return self._connection.call(
            "imports", "preview", (_upload(path), kind, creditor_code, rows), {}
        )

    def run_file(self, path: Path, request: ImportRequest, *_rest: Any, **_hooks: Any) -> Any:
        """The server's report, with this computer's own reading of the rows (the dialog
        writes rejected rows from it)."""
        report = self._connection.call("imports", "run_file", (_upload(path), request), {})
        return report, read_table(path)


def _upload(path: Path) -> dict[str, Any]:
    return {"name": path.name, "data": path.read_bytes()}


def _not_served(name: str, *_args: Any, **_kwargs: Any) -> Any:
    raise ValidationError("remote.error.not_served", method=name)


class RemoteAuth:
    """The sign-in dialog's ``login``: a password sign-in against the server."""

    def __init__(self, connection: ServerConnection, feed: EventFeed) -> None:
        self._connection = connection
        self._feed = feed

    def login(self, username: str, password: str, host: str | None = None) -> Actor:
        running = self._feed.running
        if running:  # the stream is the previous user's: events for their role must stop
            self._feed.stop()
        try:
            return self._connection.sign_in(username, password)
        finally:
            if running:
                self._feed.start()


class _PlannerHooks(Exception):  # noqa: N818  (carries the screen's hooks out of its planner)
    def __init__(self, progress: ProgressCallback | None, cancelled: CancelCheck | None) -> None:
        super().__init__()
        self.progress, self.cancelled = progress, cancelled


def _server_solves(
    _problem: rm.Problem,
    *_args: Any,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    **_kwargs: Any,
) -> rm.Plan:
    """The window's solver in team mode. The server searches with its own; a screen's planner
    (``child_planner(services.plan.solver, …)``) only hands over its progress and cancel hooks."""
    raise _PlannerHooks(progress, cancelled)


def _hooks_of(planner: Callable[..., Any]) -> _PlannerHooks | None:
    try:
        planner(None, None)
    except _PlannerHooks as hooks:
        return hooks
    except Exception:  # a planner of some other kind: the call just waits
        return None
    return None


def _cancellable(
    work: Callable[[], Any], hooks: _PlannerHooks, stop_search: Callable[[], None]
) -> Any:
    """Wait for the server's search, but let Cancel stop waiting at once: the window's worker is
    free again, and ``stop_search`` asks the server, in the background, to stop the search (the
    request's answer, a refusal, is dropped)."""
    if hooks.progress is not None:
        hooks.progress(0, 0)  # no count from the server: the bar shows the search started
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the waiting thread below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="fieldvisit-remote-search", daemon=True).start()
    while not done.wait(CANCEL_POLL_SECONDS):
        if hooks.cancelled is not None and hooks.cancelled():
            threading.Thread(
                target=_quietly, args=(stop_search,), name="fieldvisit-cancel", daemon=True
            ).start()
            raise PlanCancelledError()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _quietly(stop_search: Callable[[], None]) -> None:
    try:
        stop_search()
    except Exception:  # the search then ends at its time limit; the window has moved on
        _log.warning("the server was not told to stop a cancelled search", exc_info=True)


def remote_services(
    connection: ServerConnection, hub: PushHub, feed: EventFeed, clock: Clock = system_clock
) -> Services:
    """Every service of the container, as a proxy to the server ``connection`` reaches."""

    def p(path: str) -> Any:
        return RemoteService(connection, path)

    return Services(
        cases=p("cases"),
        case_details=p("case_details"),
        eligibility=p("eligibility"),
        users=p("users"),
        records=p("records"),
        reports=p("reports"),
        policy=p("policy"),
        safety_board=p("safety_board"),
        safety_response=p("safety_response"),
        imports=cast(Any, RemoteImports(connection, "imports")),
        plan=PlanServices(
            p("plan.planning"),
            p("plan.rounds"),
            p("plan.eligibility"),
            p("plan.sheets"),
            p("plan.replans"),
            team=p("plan.team"),
            solver=_server_solves,
        ),
        field=FieldServices(
            p("field.today"),
            p("field.client"),
            p("field.status"),
            p("field.risks"),
            p("field.companion"),
        ),
        clock=clock,
        assignment=p("assignment"),
        auth=cast(Any, RemoteAuth(connection, feed)),
        user_admin=p("user_admin"),
        retention=p("retention"),
        safety=p("safety"),
        org=p("org"),
        people=p("people"),
        declarations=p("declarations"),
        notify=NotifyServices(
            p("notify.config"),
            p("notify.notifier"),
            p("notify.health"),
            hub,
            p("notify.log"),
            p("notify.drill"),
        ),
    )


class RemoteBackend:
    """The desktop's side of a team server: the connection, its services and its event feed."""

    def __init__(self, connection: ServerConnection, clock: Clock = system_clock) -> None:
        self.connection = connection
        self.hub = PushHub()
        self.feed = EventFeed(connection, self.hub)
        self.services = remote_services(connection, self.hub, self.feed, clock)

    @property
    def display_url(self) -> str:
        return self.connection.address.url

    def close(self) -> None:
        self.feed.stop()
        self.connection.sign_out()
        self.connection.close()
