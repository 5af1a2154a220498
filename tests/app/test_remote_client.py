"""Desktop team mode's address rules and settings: https, except to this computer itself."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest

from fieldvisit.app.config import server_settings
from fieldvisit.app.remote_client import server_address
from fieldvisit.app.remote_services import remote_services
from fieldvisit.domain.errors import ValidationError
from fieldvisit.routing.planner import PlanCancelledError
from fieldvisit.services.field.notify_channels import PushHub


@pytest.mark.parametrize(
    "url", ["https://fieldvisit.example.cn:8443", "http://127.0.0.1:8765", "http://localhost/"]
)
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert server_address(url).api.endswith("/api/v1")


@pytest.mark.parametrize(
    "url", ["http://fieldvisit.example.cn", "ftp://127.0.0.1", "fieldvisit.example.cn", "https://"]
)
def test_anything_else_is_refused_with_the_address_named(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        server_address(url)
    assert caught.value.message.params["url"] == url


def test_a_missing_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        server_address("https://host:8443", tmp_path / "ca.pem")
    assert caught.value.message.id == "remote.error.ca_file"


def test_the_settings_file_names_the_server_unless_db_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "settings.ini"
    settings.write_text(
        "[server]\nurl = https://team.example.cn:8443\nca_file = ~/team-ca.pem\n", encoding="utf-8"
    )
    monkeypatch.setenv("FIELDVISIT_SETTINGS", str(settings))
    monkeypatch.setenv("FIELDVISIT_MACHINE_SETTINGS", str(tmp_path / "none.ini"))
    url, ca_file = server_settings(None, None)
    assert url == "https://team.example.cn:8443"
    assert ca_file == Path("~/team-ca.pem").expanduser()
    assert server_settings(None, None, "sqlite:///here.db") == (None, None)
    assert server_settings("https://other:1", Path("x.pem")) == ("https://other:1", Path("x.pem"))


class _SlowServer:
    """A connection whose planning call takes as long as the test says (a server's search)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[tuple[str, str, str | None]] = []
        self.cancels: list[str] = []
        self.cancel_sent = threading.Event()

    def call(
        self,
        path: str,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        search: str | None = None,
    ) -> Any:
        self.calls.append((path, name, search))
        self.release.wait(10)
        return "plan"

    def cancel_search(self, search: str) -> None:
        self.cancels.append(search)
        self.cancel_sent.set()


def _screen_planner(solver: Any, cancelled: threading.Event, seen: list[int]) -> Any:
    """What the Plan screen passes (ui.plan.workflow.child_planner): the window's solver with the
    task's progress and Cancel."""

    def planner(problem: Any, budget: Any) -> Any:
        return solver(
            problem, budget, progress=lambda done, _cost: seen.append(done),
            cancelled=cancelled.is_set,
        )  # fmt: skip

    return planner


def test_cancel_frees_the_window_at_once_while_the_server_searches() -> None:
    server = _SlowServer()
    services = remote_services(cast(Any, server), PushHub(), cast(Any, None))
    cancelled, seen = threading.Event(), []
    planner = _screen_planner(services.plan.solver, cancelled, seen)
    threading.Timer(0.3, cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(PlanCancelledError):
        services.plan.planning.optimise(None, "request", "budget", planner=planner)
    assert time.monotonic() - started < 1.5
    assert seen == [0]  # the bar shows the search started; the server sends no count
    [(path, name, search)] = server.calls
    assert (path, name) == ("plan.planning", "optimise")
    assert server.cancel_sent.wait(5)
    assert server.cancels == [search]  # the server is asked to stop that very search
    assert search is not None
    assert len(search) == 32
    server.release.set()


def test_without_cancel_the_servers_plan_comes_back() -> None:
    server = _SlowServer()
    server.release.set()
    services = remote_services(cast(Any, server), PushHub(), cast(Any, None))
    planner = _screen_planner(services.plan.solver, threading.Event(), [])
    assert services.plan.planning.optimise(None, "r", "b", planner=planner) == "plan"
    assert services.plan.planning.optimise(None, "r", "b", planner=planner) == "plan"
    [first, second] = [search for _, _, search in server.calls]
    assert first != second  # each search its own token
    assert server.cancels == []
