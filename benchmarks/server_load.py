"""50 simulated clients against a real team server on loopback; prints latency, errors, alarm delay.

40 collectors (today's round, the case list, a case, check-in and check-out; one visit in ten is
never checked out), 5 managers (approvals, the board, planning and approving tomorrow's rounds),
5 safety boards (an event stream, and the board re-read on every alarm). The server's clock runs
``--speed`` times faster than the wall clock (through its test clock file), so missed check-outs
fall due within the run; access tokens expire as fast and clients refresh them as a real one does.

Alarm-to-board delay: from the wall-clock instant the grace period of a missed check-out ends to
the moment a board has re-read a snapshot that shows the alarm.

    source /work/pg.env   # or FIELDVISIT_TEST_PG_URL of any PostgreSQL you may create databases in
    python benchmarks/server_load.py --seconds 300
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldvisit.demo.build import create_demo
from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database

DEMO_DAY = date(2026, 12, 1)
DAY = date(2026, 12, 2)
SIM_START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in the demo teams' zone
PASSWORD = "demo1234"
TEAMS = {"sh-e": (1, 2), "sh-c": (3, 4), "sh-w": (5, 6)}  # team code: its crews
MISSED_EVERY = 10
OUTCOME = {
    "person_met": "debtor",
    "outcome": "refused",
    "next_action": "phone_call",
    "next_action_date": "2026-12-03",
    "notes": "债务人表示本月无力还款。",
}


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    refreshes: int = 0
    grace_ends: dict[int, float] = field(default_factory=dict)  # session → wall-clock instant
    alarm_delays: list[float] = field(default_factory=list)
    event_delays: list[float] = field(default_factory=list)  # grace end → the event at a board
    events_seen: set[tuple[int, int]] = field(default_factory=set)
    seen: set[tuple[int, int]] = field(default_factory=set)  # (board, session)
    visits: int = 0
    approvals: int = 0
    empty_days: int = 0


class SimClock:
    """Writes the server's clock file: simulated time runs ``speed`` times the wall clock."""

    def __init__(self, path: Path, speed: float) -> None:
        self.path, self.speed = path, speed
        self.wall0 = time.monotonic()
        self._stop = threading.Event()
        self.write()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sim(self, wall: float | None = None) -> datetime:
        elapsed = (time.monotonic() if wall is None else wall) - self.wall0
        return SIM_START + timedelta(seconds=elapsed * self.speed)

    def wall(self, sim: datetime) -> float:
        return self.wall0 + (sim - SIM_START).total_seconds() / self.speed

    def write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(self.sim().isoformat(), encoding="utf-8")
        temporary.replace(self.path)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.write()

    def stop(self) -> None:
        self._stop.set()


class Client:
    """One signed-in client: times every call, refreshes an expired token and retries once."""

    def __init__(self, http: httpx.AsyncClient, figures: Figures, username: str) -> None:
        self.http, self.figures, self.username = http, figures, username
        self.token = self.refresh_token = ""

    async def sign_in(self) -> None:
        body = {"username": self.username, "password": PASSWORD}
        answer = await self.http.post("auth/sign-in", json=body)
        answer.raise_for_status()
        self.token, self.refresh_token = (
            answer.json()["access_token"],
            answer.json()["refresh_token"],
        )

    async def call(self, name: str, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                answer = await self.http.request(
                    method, path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
                )
            except httpx.TransportError as exc:
                self.figures.errors.append(f"{name} {type(exc).__name__} {exc}")
                return None
            self.figures.latencies[name].append(time.perf_counter() - began)
            if answer.status_code == 401 and attempt == 1:
                await self._refresh()
                continue
            if answer.status_code >= 400:
                self.figures.errors.append(f"{name} {answer.status_code} {answer.text[:160]}")
                return None
            return answer.json() if answer.content else {}
        return None

    async def _refresh(self) -> None:
        answer = await self.http.post("auth/refresh", json={"refresh_token": self.refresh_token})
        if answer.status_code != 200:  # the refresh token ran out too: sign in again
            await self.sign_in()
            return
        self.figures.refreshes += 1
        self.token, self.refresh_token = (
            answer.json()["access_token"],
            answer.json()["refresh_token"],
        )


@dataclass
class Shared:
    stops: dict[int, list[int]]  # crew → stop ids not yet started
    clock: SimClock
    figures: Figures
    deadline: float
    rng: random.Random
    check_ins: int = 0


async def collector(client: Client, crew: int, shared: Shared, cases: list[int]) -> None:
    rng = random.Random(hash((client.username, id(client))))
    while time.monotonic() < shared.deadline:
        await client.call("today", "GET", "today", params={"day": DAY.isoformat()})
        await client.call(
            "cases", "GET", "cases", params={"limit": 20, "offset": rng.randrange(100)}
        )
        await client.call("case", "GET", f"cases/{rng.choice(cases)}")
        if shared.stops[crew]:
            await visit(client, shared.stops[crew].pop(), shared, rng)
        await asyncio.sleep(rng.uniform(0.5, 1.5))


async def visit(client: Client, stop: int, shared: Shared, rng: random.Random) -> None:
    started = await client.call("start", "POST", f"stops/{stop}/start")
    if not started:
        return
    visit_id = started["visit_id"]
    session = await client.call("check-in", "POST", f"visits/{visit_id}/check-in", json={})
    if not session:
        return
    shared.check_ins += 1
    if shared.check_ins % MISSED_EVERY == 0:  # this crew never checks out: an alarm is due
        due = datetime.fromisoformat(session["expected_end"])
        end = due + timedelta(minutes=session["grace_minutes"])
        shared.figures.grace_ends[session["session_id"]] = shared.clock.wall(end)
        return
    await asyncio.sleep(rng.uniform(0.5, 2.0))
    body = {"outcome": OUTCOME}
    if await client.call("check-out", "POST", f"visits/{visit_id}/check-out", json=body):
        shared.figures.visits += 1


async def manager(client: Client, crews: tuple[int, ...], shared: Shared, offset: int) -> None:
    day = DAY + timedelta(days=1 + offset)
    rng = random.Random(offset)
    while time.monotonic() < shared.deadline:
        await client.call("approvals", "GET", "approvals")
        await client.call("board", "GET", "safety/board")
        crew = rng.choice(crews)
        body = {"crew_id": crew, "day": day.isoformat(), "seconds": 0.3, "seed": offset}
        planned = await client.call("plan", "POST", "rounds/plan", json=body)
        if planned and not planned["plan"]["stops"]:
            shared.figures.empty_days += 1  # a holiday, or every case at its limit: nothing to send
        elif planned:
            round_id = planned["round"]["round_id"]
            await client.call("submit", "POST", f"rounds/{round_id}/submit")
            decision = {"reason": "负载测试"}
            if await client.call("approve", "POST", f"rounds/{round_id}/approve", json=decision):
                shared.figures.approvals += 1
        day += timedelta(days=5)  # each manager its own days: no two edit one round
        await asyncio.sleep(rng.uniform(2.0, 4.0))


def _note_event(shared: Shared, board_number: int, session_id: int) -> None:
    """How long after the grace period's end the alarm's event reached a board."""
    key = (board_number, session_id)
    if session_id in shared.figures.grace_ends and key not in shared.figures.events_seen:
        shared.figures.events_seen.add(key)
        delay = time.monotonic() - shared.figures.grace_ends[session_id]
        shared.figures.event_delays.append(delay)


async def board(client: Client, number: int, shared: Shared) -> None:
    """Holds the event stream; re-reads the board on every alarm and every 5 s."""
    queue: asyncio.Queue[str] = asyncio.Queue()

    async def listen() -> None:
        # The server ends a stream once its token has expired; like the desktop, the board then
        # reconnects with its current token and re-reads (the clock runs fast: tokens expire
        # every few seconds of this run).
        while time.monotonic() < shared.deadline:
            headers = {"Authorization": f"Bearer {client.token}"}
            alarm = False
            async with client.http.stream("GET", "events", headers=headers, timeout=None) as stream:
                if stream.status_code == 401:
                    await client.call("board", "GET", "safety/board")  # refreshes the token
                    continue
                queue.put_nowait("connected")
                async for line in stream.aiter_lines():
                    if line.startswith("event: alarm.raised"):
                        alarm = True
                        queue.put_nowait("alarm")
                    elif alarm and line.startswith("data:"):
                        alarm = False
                        _note_event(shared, number, json.loads(line[5:])["data"]["session_id"])

    listener = asyncio.create_task(listen())
    try:
        while time.monotonic() < shared.deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(queue.get(), timeout=5.0)
            while not queue.empty():  # one re-read answers every event already waiting, as the
                queue.get_nowait()  # desktop board does; a backlog would delay the newest alarm
            snapshot = await client.call("board", "GET", "safety/board")
            now = time.monotonic()
            for row in (snapshot or {}).get("rows", []):
                key = (number, row["session_id"])
                overdue = any(a["kind"] == "overdue" for a in row["alarms"])
                if (
                    overdue
                    and key not in shared.figures.seen
                    and row["session_id"] in shared.figures.grace_ends
                ):
                    shared.figures.seen.add(key)
                    delay = now - shared.figures.grace_ends[row["session_id"]]
                    shared.figures.alarm_delays.append(delay)
    finally:
        listener.cancel()


async def prepare_rounds(http: httpx.AsyncClient, figures: Figures) -> dict[int, list[int]]:
    """Today's approved round for every crew, planned by a collector and approved by the manager."""
    stops: dict[int, list[int]] = {}
    for code, crews in TEAMS.items():
        boss = Client(http, figures, f"mgr.{code}")
        await boss.sign_in()
        for index, crew in enumerate(crews, start=1):
            member = Client(http, figures, f"col.{code}.{index}1")
            await member.sign_in()
            body = {"crew_id": crew, "day": DAY.isoformat(), "seconds": 1.0}
            planned = await member.call("plan", "POST", "rounds/plan", json=body)
            round_id = planned["round"]["round_id"]
            await member.call("submit", "POST", f"rounds/{round_id}/submit")
            await boss.call("approve", "POST", f"rounds/{round_id}/approve", json={"reason": "ok"})
            today = await member.call("today", "GET", "today", params={"day": DAY.isoformat()})
            stops[crew] = [stop["stop_id"] for stop in reversed(today["stops"])]
    return stops


async def run_load(base: str, clock: SimClock, seconds: float) -> Figures:
    figures = Figures()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits) as http:
        stops = await prepare_rounds(http, figures)
        figures.latencies.clear()
        figures.errors.clear()
        shared = Shared(stops, clock, figures, time.monotonic() + seconds, random.Random(0))
        admin = Client(http, figures, "admin")
        await admin.sign_in()
        tasks = []
        collectors = [
            (f"col.{code}.{index}{member}", crew)
            for code, crews in TEAMS.items()
            for index, crew in enumerate(crews, start=1)
            for member in (1, 2)
        ]
        for number in range(40):
            username, crew = collectors[number % len(collectors)]
            client = Client(http, figures, username)
            await client.sign_in()
            listed = await admin.call(
                "setup", "GET", "cases", params={"crew_id": crew, "limit": 50}
            )
            cases = [row["id"] for row in listed["rows"]]
            tasks.append(collector(client, crew, shared, cases))
        codes = list(TEAMS)
        for number in range(5):
            code = codes[number % len(codes)]
            client = Client(http, figures, f"mgr.{code}")
            await client.sign_in()
            tasks.append(manager(client, TEAMS[code], shared, number))
        for number in range(5):
            client = Client(
                http, figures, "safety.lead" if number == 0 else f"mgr.{codes[number % 3]}"
            )
            await client.sign_in()
            tasks.append(board(client, number, shared))
        shared.deadline = time.monotonic() + seconds  # the load starts once all have signed in
        figures.latencies.pop("setup", None)
        await asyncio.gather(*tasks)
    return figures


def fresh_database(admin_url: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"fv_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database.open(url)
    migrate.upgrade(database.engine)
    create_demo(database.session_factory, seed=0, today=DEMO_DAY)
    database.dispose()
    return url


def drop_database(admin_url: str, url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def start_server(url: str, folder: Path, clock_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    key = folder / "audit.key"
    if not key.exists():  # the demo's chain is signed with its public key
        write_key_file(key, DEMO_AUDIT_KEY)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "fieldvisit", "serve", "--db", url, "--host", "127.0.0.1",
        "--port", str(port), "--clock-file", str(clock_file), "--watch-interval", "1",
        "--audit-key", str(folder / "audit.key"),
    ]  # fmt: skip
    env = os.environ | {"XDG_DATA_HOME": str(folder / "data")}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/api/v1/"
    for _ in range(300):
        try:
            if httpx.get(base + "health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start: " + (folder / "server.log").read_text()[-2000:])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(figures: Figures, seconds: float, speed: float) -> dict[str, Any]:
    every = [v for values in figures.latencies.values() for v in values]
    lines = {
        name: {
            "n": len(values),
            "p50_ms": round(1000 * statistics.median(values), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
        }
        for name, values in sorted(figures.latencies.items())
    }
    return {
        "seconds": seconds,
        "clients": 50,
        "clock_speed": speed,
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "p50_ms": round(1000 * statistics.median(every), 1),
        "p95_ms": round(1000 * percentile(every, 0.95), 1),
        "errors": len(figures.errors),
        "first_errors": figures.errors[:5],
        "token_refreshes": figures.refreshes,
        "visits_checked_out": figures.visits,
        "rounds_approved": figures.approvals,
        "days_with_nothing_to_visit": figures.empty_days,
        "missed_check_outs": len(figures.grace_ends),
        "alarm_sightings": len(figures.alarm_delays),
        "alarm_to_board_p50_s": _delay(figures.alarm_delays, 0.5),
        "alarm_to_board_p95_s": _delay(figures.alarm_delays, 0.95),
        # Few sightings: the p95 is nearly the worst one, so every delay is shown.
        "alarm_to_board_each_s": sorted(round(d, 2) for d in figures.alarm_delays),
        "alarm_event_p50_s": _delay(figures.event_delays, 0.5),
        "alarm_event_p95_s": _delay(figures.event_delays, 0.95),
        "per_call": lines,
    }


def _delay(seconds: list[float], share: float) -> float | None:
    if not seconds:
        return None
    value = statistics.median(seconds) if share == 0.5 else percentile(seconds, share)
    return round(value, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="length of the load (300)")
    parser.add_argument("--speed", type=float, default=60.0, help="simulated minutes per second")
    parser.add_argument("--pg-url", default=os.environ.get("FIELDVISIT_TEST_PG_URL"))
    args = parser.parse_args()
    if not args.pg_url:
        parser.error("name a PostgreSQL server: --pg-url or FIELDVISIT_TEST_PG_URL")
    url = fresh_database(args.pg_url)
    with tempfile.TemporaryDirectory(prefix="fieldvisit-load-") as tmp:
        folder = Path(tmp)
        clock = SimClock(folder / "now", args.speed)
        process, base = start_server(url, folder, clock.path)
        try:
            figures = asyncio.run(run_load(base, clock, args.seconds))
        finally:
            clock.stop()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            drop_database(args.pg_url, url)
            log = (folder / "server.log").read_text(errors="replace")
            if "Traceback" in log:
                saved = Path(tempfile.gettempdir()) / "server_load.log"
                saved.write_text(log, encoding="utf-8")
                print(f"server errors: see {saved}", file=sys.stderr)
    print(json.dumps(report(figures, args.seconds, args.speed), ensure_ascii=False, indent=2))
    return 0 if not figures.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
