"""Three machines on one PostgreSQL database: a collector, a manager and the watcher as processes.

Each process gets the same injected clock (a fixed time or an offset), so the test is exact.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fieldvisit.domain.enums import RiskTier
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import KEY, T0, build_world

pytestmark = pytest.mark.postgres
TIMEOUT = 60

# One "instance" of the app: the services the desktop app would call, on its own connection.
INSTANCE = """
import sys
from datetime import datetime
from fieldvisit.domain.enums import AlarmKind
from fieldvisit.domain.clock import FixedClock
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.field.visits import CheckIn, FieldVisits
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.services.field.status import SafetyStatus
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.services.field.safety_users import actor_by_username
from fieldvisit.storage.database import Database

url, key, now, user, action, arg = sys.argv[1:7]
clock = FixedClock(datetime.fromisoformat(now))
db = Database.open(url)
deps = SafetyDeps(db.session_factory, AuditLog(bytes.fromhex(key), clock), clock)
actor = actor_by_username(deps, user)
if action == "check_in":
    print(FieldVisits(deps).check_in(actor, CheckIn(int(arg))).session_id)
elif action == "acknowledge":
    SafetyResponse(deps).acknowledge(actor, int(arg), AlarmKind.OVERDUE)
elif action == "status":
    for alarm in SafetyStatus(deps).session(actor, int(arg)).alarms:
        print(alarm.kind.value, alarm.state.value, alarm.acknowledged_by)
db.dispose()
"""


def _instance(url: str, now: datetime, user: str, action: str, arg: object) -> str:
    args = [url, KEY.hex(), now.isoformat(), user, action, str(arg)]
    done = subprocess.run(
        [sys.executable, "-c", INSTANCE, *args], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cli(url: str, key: Path, *args: str) -> list[str]:
    base = [sys.executable, "-m", "fieldvisit", "--lang", "en"]
    return [*base, "safety", *args, "--db", url, "--audit-key", str(key)]


def _board(url: str, key: Path, *clock: str) -> str:
    done = subprocess.run(
        _cli(url, key, "board", "--user", "mgr", *clock),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_overdue_alarm_across_machines(pg_url: str, tmp_path: Path) -> None:
    database = Database.open(pg_url)
    migrate.upgrade(database.engine)
    world = build_world(database)
    world.mark_risk(RiskTier.HIGH)
    visit_id = world.start_visit()
    database.dispose()
    key = tmp_path / "audit.key"
    key.write_text(KEY.hex(), encoding="ascii")

    session_id = int(_instance(pg_url, T0, "col.a", "check_in", visit_id))
    late = T0 + timedelta(minutes=33)
    watchers = [
        subprocess.Popen(
            _cli(pg_url, key, "watch", "--once", "--now", late.isoformat(), "--watcher-id", name),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server-a", "server-b")
    ]
    outputs = [w.communicate(timeout=TIMEOUT) for w in watchers]
    assert [w.returncode for w in watchers] == [0, 0], outputs
    raised = [line for out, _ in outputs for line in out.splitlines() if "step 1" in line]
    assert len(raised) == 1  # two watchers, one alarm

    board = _board(pg_url, key, "--now", late.isoformat())
    assert f"{session_id}\talarm\t" in board
    assert "overdue/1/open/-" in board

    _instance(pg_url, late + timedelta(seconds=20), "mgr", "acknowledge", session_id)
    seen = _instance(pg_url, late + timedelta(seconds=30), "col.a", "status", session_id)
    assert seen.split() == ["overdue", "acknowledged", "mgr"]

    offset = (late - datetime.now(UTC)).total_seconds()
    watcher = subprocess.Popen(
        _cli(pg_url, key, "watch", "--interval", "0.2", "--offset", str(offset)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # The watcher has beaten once it printed nothing wrong and the board says it runs.
        deadline = datetime.now(UTC) + timedelta(seconds=TIMEOUT)
        while "watcher running" not in _board(pg_url, key, "--offset", str(offset)):
            assert datetime.now(UTC) < deadline
            assert watcher.poll() is None
    finally:
        watcher.terminate()
        watcher.wait(timeout=TIMEOUT)
    later = _board(pg_url, key, "--offset", str(offset + 40))
    assert "WATCHER SILENT" in later
