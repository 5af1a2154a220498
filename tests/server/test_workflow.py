"""A day over HTTP: plan, submit, approve, the crew's day, check-in, a missed check-out, pushed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.server import codec
from tests.server.support import Api, EventListener, ServerProcess, TestClock, fresh_database

DAY = date(2026, 12, 2)
START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, the demo teams' zone
OUTCOME = {
    "person_met": "debtor",
    "outcome": "refused",
    "next_action": "phone_call",
    "next_action_date": "2026-12-03",
    "notes": "债务人表示本月无力还款。",
}

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> TestClock:
    return TestClock(tmp_path_factory.mktemp("clock") / "now", START)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: TestClock) -> Iterator[ServerProcess]:
    folder: Path = tmp_path_factory.mktemp("server")
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        process = ServerProcess(url, folder, clock, "--watch-interval", "0.5")
        yield process
        process.stop()


@pytest.fixture
def listeners() -> Iterator[list[EventListener]]:
    opened: list[EventListener] = []
    yield opened
    for listener in opened:
        listener.close()


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json() if status != 204 else None


def test_a_day_from_plan_to_missed_check_out(
    server: ServerProcess, clock: TestClock, listeners: list[EventListener]
) -> None:
    collector = Api.sign_in(server.base, "col.sh-e.11")
    manager = Api.sign_in(server.base, "mgr.sh-e")
    other_manager = Api.sign_in(server.base, "mgr.sh-c")
    manager_events = EventListener(manager)
    collector_events = EventListener(collector)
    other_events = EventListener(other_manager)
    listeners.extend([manager_events, collector_events, other_events])

    planned = _ok(collector.post("/rounds/plan", json={"crew_id": 1, "day": DAY.isoformat()}))
    round_id = planned["round"]["round_id"]
    assert planned["round"]["status"] == "draft"
    assert planned["plan"]["stops"]

    _ok(collector.post(f"/rounds/{round_id}/submit"))
    submitted = time.monotonic()
    event = manager_events.next_event("round.submitted", timeout=2.0)
    assert event["data"]["round_id"] == round_id
    assert event["received"] - submitted < 2.0
    assert round_id in [r["round_id"] for r in _ok(manager.get("/approvals"))]
    # Another team's manager is not told, and cannot open or decide the round.
    assert other_manager.get(f"/rounds/{round_id}").status_code == 403
    assert collector.post(f"/rounds/{round_id}/approve", json={"reason": "ok"}).status_code == 403

    _ok(manager.post(f"/rounds/{round_id}/approve", json={"reason": "路线合规"}))
    assert collector_events.next_event("round.approved")["data"]["round_id"] == round_id
    today = _ok(collector.get("/today", params={"day": DAY.isoformat()}))
    assert today["round_id"] == round_id
    assert today["status"] == "approved"

    visit_id = _ok(collector.post(f"/stops/{today['stops'][0]['stop_id']}/start"))["visit_id"]
    session = _ok(
        collector.post(
            f"/visits/{visit_id}/check-in", json={"position": {"lat": 31.25, "lon": 121.5}}
        )
    )
    assert manager_events.next_event("safety.checked_in")["data"]["visit_id"] == visit_id
    board = _ok(manager.get("/safety/board"))
    assert [row["session_id"] for row in board["rows"]] == [session["session_id"]]
    assert _ok(other_manager.get("/safety/board"))["rows"] == []

    # The crew never checks out: once the grace period ends the watcher raises the alarm.
    due = datetime.fromisoformat(session["expected_end"])
    clock.set(due + timedelta(minutes=session["grace_minutes"], seconds=1))
    raised = manager_events.next_event("alarm.raised", timeout=5.0)
    assert raised["data"] == {"session_id": session["session_id"], "kind": "overdue", "step": 1}
    manager.refresh()  # more than the access token's 15 minutes have passed
    collector.refresh()
    alarms = _ok(manager.get("/safety/board"))["rows"][0]["alarms"]
    assert [(a["kind"], a["state"]) for a in alarms] == [("overdue", "open")]

    _ok(manager.post(f"/safety-sessions/{session['session_id']}/alarms/overdue/acknowledge"), 204)
    assert manager_events.next_event("alarm.acknowledged")["data"]["kind"] == "overdue"
    backwards = {"kind": "inconvenient", "start": "21:00", "end": "18:00"}
    refused = collector.post(
        f"/visits/{visit_id}/check-out", json={"outcome": OUTCOME, "declaration": backwards}
    )
    assert refused.status_code == 422, refused.text  # said in words; nothing recorded
    declared = {"kind": "inconvenient", "weekday": None, "start": "18:00", "end": "21:00"}
    done = _ok(
        collector.post(
            f"/visits/{visit_id}/check-out", json={"outcome": OUTCOME, "declaration": declared}
        )
    )
    assert done["visit_id"] == visit_id
    case_id = today["stops"][0]["case_id"]
    answer = _ok(manager.post("/call/declarations/for_case", json={"kwargs": {"case_id": case_id}}))
    declared_views = [(v.what, v.start, v.end) for v in codec.decode(answer["result"])]
    assert ("blackout", dt_time(18), dt_time(21)) in declared_views

    # The crew's own stream carried their round, never the office's alarms.
    seen = collector_events.kinds()
    assert "alarm.raised" not in seen
    assert "alarm.acknowledged" not in seen
    assert not [k for k in other_events.kinds() if k.startswith(("round.", "safety."))]
