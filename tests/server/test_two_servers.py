"""Two servers on one database: events cross between them, and the watcher survives a crash."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.server import codec
from fieldvisit.services.planning.team_model import TeamRequest
from tests.server.support import Api, EventListener, ServerProcess, TestClock, fresh_database

DAY = "2026-12-02"
START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
TAKEOVER_LIMIT = 30.0

pytestmark = pytest.mark.postgres


@dataclass
class Pair:
    first: ServerProcess
    second: ServerProcess
    clock: TestClock


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder: Path = tmp_path_factory.mktemp("servers")
    clock = TestClock(folder / "now", START)
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        first = ServerProcess(url, folder, clock, "--watch-interval", "1")
        second = ServerProcess(url, folder, clock, "--watch-interval", "1")
        try:
            yield Pair(first, second, clock)
        finally:
            first.stop()
            second.stop()


def _ok(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


def _approved_round(base: str, collector: Api, manager: Api, crew_id: int) -> int:
    planned = _ok(collector.post("/rounds/plan", json={"crew_id": crew_id, "day": DAY}))
    round_id: int = planned["round"]["round_id"]
    _ok(collector.post(f"/rounds/{round_id}/submit"))
    _ok(manager.post(f"/rounds/{round_id}/approve", json={"reason": "ok"}))
    return round_id


def _leaders(pair: Pair) -> list[ServerProcess]:
    alive = [s for s in (pair.first, pair.second) if s.process.poll() is None]
    return [s for s in alive if s.health()["watcher_leader"]]


def _wait_for(condition: Any, timeout: float) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if condition():
            return time.monotonic() - began
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] in "ZX"
    except FileNotFoundError:
        return True


def test_an_event_on_one_server_reaches_a_client_of_the_other(pair: Pair) -> None:
    collector = Api.sign_in(pair.first.base, "col.sh-e.11")
    manager = Api.sign_in(pair.second.base, "mgr.sh-e")  # one sign-in works on either server
    listener = EventListener(manager)
    try:
        planned = _ok(collector.post("/rounds/plan", json={"crew_id": 1, "day": DAY}))
        round_id = planned["round"]["round_id"]
        sent = time.monotonic()
        _ok(collector.post(f"/rounds/{round_id}/submit"))
        event = listener.next_event("round.submitted", timeout=2.0)
        assert event["data"]["round_id"] == round_id
        assert event["received"] - sent < 2.0
    finally:
        listener.close()


def _solver_children(server: ServerProcess) -> set[int]:
    """The server's planning children: spawned processes other than its watcher's."""
    found = set()
    for child in _children(server.process.pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command and not _gone(child):
            found.add(child)
    return found


def test_cancel_on_either_server_stops_the_search_and_its_process(pair: Pair) -> None:
    manager = Api.sign_in(pair.first.base, "mgr.sh-e")
    at_second = Api.sign_in(pair.second.base, "mgr.sh-e")
    collector = Api.sign_in(pair.second.base, "col.sh-e.11")
    before = _solver_children(pair.first)
    token = uuid.uuid4().hex
    request = TeamRequest(date.fromisoformat(DAY), team_id=1)
    body = {
        "args": [None, codec.encode(request), codec.encode(Budget(seconds=60, seed=0))],
        "search": token,
    }
    answer: dict[str, Any] = {}

    def plan() -> None:
        answer["response"] = manager.post("/call/plan.team/optimise", json=body, timeout=120)

    caller = threading.Thread(target=plan)
    caller.start()
    _wait_for(lambda: _solver_children(pair.first) - before, 30.0)
    [solver] = _solver_children(pair.first) - before
    # Only the user who started a search stops it, on whichever server.
    assert _ok(collector.post(f"/searches/{token}/cancel")) == {"stopped": False}
    time.sleep(1.0)
    assert not _gone(solver)
    cancelled = time.monotonic()
    assert _ok(at_second.post(f"/searches/{token}/cancel")) == {"stopped": False}  # not there
    caller.join(timeout=30)
    took = time.monotonic() - cancelled
    assert not caller.is_alive()
    refused = answer["response"]
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "server.error.search_cancelled"
    assert took < 5.0  # not the 60 s the search was given
    _wait_for(lambda: _gone(solver), 5.0)
    print(f"search stopped {took:.1f} s after the cancel reached the other server")


def test_killing_the_watcher_leader_hands_the_watch_to_the_other(pair: Pair) -> None:
    _wait_for(lambda: len(_leaders(pair)) == 1, 15.0)
    leader = _leaders(pair)[0]
    survivor = pair.second if leader is pair.first else pair.first
    collector = Api.sign_in(survivor.base, "col.sh-c.11")
    manager = Api.sign_in(survivor.base, "mgr.sh-c")
    round_id = _approved_round(survivor.base, collector, manager, crew_id=3)
    today = _ok(collector.get("/today", params={"day": DAY}))
    assert today["round_id"] == round_id
    visit_id = _ok(collector.post(f"/stops/{today['stops'][0]['stop_id']}/start"))["visit_id"]
    session = _ok(collector.post(f"/visits/{visit_id}/check-in", json={}))
    watcher_children = _children(leader.process.pid)
    assert watcher_children, "the leader watches in a child process"
    listener = EventListener(manager)
    try:
        killed = time.monotonic()
        leader.kill()
        due = datetime.fromisoformat(session["expected_end"])
        pair.clock.set(due + timedelta(minutes=session["grace_minutes"], seconds=1))
        manager.refresh()  # the jump passed the access token's life

        def raised() -> bool:
            rows = _ok(manager.get("/safety/board"))["rows"]
            return any(a["kind"] == "overdue" for r in rows for a in r["alarms"])

        _wait_for(raised, TAKEOVER_LIMIT)
        took = time.monotonic() - killed
        assert took < TAKEOVER_LIMIT
        assert _leaders(pair) == [survivor]
        # The killed server's watcher child died with it (else its lock would never be freed).
        _wait_for(lambda: all(_gone(child) for child in watcher_children), 5.0)
        event = listener.next_event("alarm.raised", timeout=5.0)
        assert event["data"]["session_id"] == session["session_id"]
        print(f"watcher takeover and alarm after {took:.1f} s")
    finally:
        listener.close()
