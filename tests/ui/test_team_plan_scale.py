"""Issue 22: the Team plan screen stays responsive and shows progress on a 1,000-case day.

The day is built through the services the app uses (organisation set-up, then a case file of
1,000 located homes through the importer), not the demo. A QTimer ticking every 25 ms on the GUI
thread measures the longest gap between ticks while the optimisation runs: a GUI thread blocked
by loading, checking or showing the result misses ticks and the gap grows.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.domain.import_rows import Table
from fieldvisit.domain.organisation import parse_creditor, parse_crew, parse_person, parse_team
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.runner import solve_in_subprocess
from fieldvisit.services.admin.organisation import Entry, OrgBatch
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from fieldvisit.ui.gc_guard import GuiThreadCollector
from fieldvisit.ui.tasks import TaskRunner
from fieldvisit.ui.team_plan.screen import TeamPlanScreen

DAY = date(2026, 12, 2)  # a Wednesday, no holiday
CLOCK = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
CREWS = 20
CASES = 1_000
TICK_MS = 25
# Measured on the 2-core machine at a load average of 6-8: the screen's longest gap is 110-180 ms
# in a 6-7 s run, at the end, while the result is shown. Before this test it was 440-665 ms:
# showing the result built twenty route tables at once and sized them, and the 800-row left-out
# list, to their contents on every layout pass. With the optimisation's work run inline on the
# GUI thread (a deliberately blocking TaskRunner) the gap is the whole run: 7,063 ms.
# 400 ms leaves room for a loaded machine and fails either kind of stall.
STALL_BOUND = 0.4
PROFILES = ("CN", "US", "US-MA", "UK", "IE", "DE")


@dataclass
class Branch:
    services: Services
    manager: Actor
    crew_ids: list[int] = field(default_factory=list)


def _bases(rng: random.Random) -> list[tuple[float, float]]:
    side = math.ceil(math.sqrt(CREWS))
    return [
        (31.0 + row * 0.08 + rng.uniform(-0.01, 0.01), 121.2 + col * 0.09)
        for row, col in (divmod(index, side) for index in range(CREWS))
    ]


def _organisation(bases: list[tuple[float, float]]) -> OrgBatch:
    team = {"code": "BR", "name": "Branch", "profile": "CN", "timezone": "Asia/Shanghai"}
    crews, people = [], []
    for index, (lat, lon) in enumerate(bases):
        name = f"C{index:02d}"
        crews.append(Entry(parse_crew({"team": "BR", "name": name, "base_lat": f"{lat:.5f}",
                                       "base_lon": f"{lon:.5f}"})))  # fmt: skip
        for member in ("a", "b"):
            values = {"username": f"{name.lower()}{member}", "role": "collector"}
            people.append(Entry(parse_person(values | {"team": "BR", "crew": name})))
    people.append(Entry(parse_person({"username": "boss", "role": "manager", "team": "BR"})))
    return OrgBatch(
        teams=[Entry(parse_team(team, PROFILES))],
        creditors=[Entry(parse_creditor({"code": "BANK", "name": "Bank", "currency": "CNY"}))],
        crews=crews,
        people=people,
    )


def _case_file(bases: list[tuple[float, float]], rng: random.Random) -> Table:
    headers = ("case_number", "debtor_name", "amount_overdue", "days_past_due", "team",
               "home_address", "home_lat", "home_lon", "timezone")  # fmt: skip
    rows = []
    for number in range(CASES):
        lat, lon = bases[rng.randrange(len(bases))]
        amount = Decimal(rng.randint(1_000, 90_000))
        rows.append((f"K{number:05d}", f"Debtor {number}", str(amount), str(rng.randint(30, 400)),
                     "BR", f"Street {number}", f"{lat + rng.gauss(0, 0.02):.6f}",
                     f"{lon + rng.gauss(0, 0.02):.6f}", "Asia/Shanghai"))  # fmt: skip
    return Table(headers, rows)


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[Branch]:
    """20 crews of two and 1,000 open, located, unassigned cases of their team."""
    database = Database.open(f"sqlite:///{tmp_path / 'branch.db'}")
    migrate.upgrade(database.engine)
    # The window's planner: a child process.
    audit = AuditLog(b"k" * 32, CLOCK)
    services = build_services(database, audit, CLOCK, solver=solve_in_subprocess)
    admin_id = services.user_admin.bootstrap_admin("root", "Root", "a long enough password 1")
    admin = services.users.actor(admin_id)
    rng = random.Random(22)
    bases = _bases(rng)
    services.org.apply(admin, _organisation(bases))
    request = ImportRequest(ImportKind.CASES, "cases.csv", creditor_code="BANK")
    report = services.imports.run(_case_file(bases, rng), request, admin)
    assert (report.committed, report.imported, report.errors) == (True, CASES, ())
    boss = next(u for u in services.users.active_users() if u.username == "boss")
    crews = [c.id for c in services.org.crews(admin)]
    yield Branch(services, services.users.actor(boss.id), crews)
    database.dispose()


class StallMeter:
    """Ticks on the GUI thread; ``longest`` is the longest gap between two ticks seen."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.longest = 0.0
        self.worst_at = 0.0  # when the longest gap ended, in seconds after start
        self.ticks = 0
        self._last = self._began = 0.0

    def start(self) -> None:
        self._last = self._began = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._on_timer_timeout()  # the stretch up to the end counts too

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        if now - self._last > self.longest:
            self.longest, self.worst_at = now - self._last, now - self._began
        self._last = now
        self.ticks += 1


def open_screen(qtbot: QtBot, branch: Branch, tasks: TaskRunner) -> TeamPlanScreen:
    screen = TeamPlanScreen(
        branch.services.plan,
        branch.manager,
        "en",
        tasks,
        budget=Budget(seconds=2.0, seed=0),
        template=DayTemplate(),
        day=DAY,
    )
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    qtbot.waitUntil(lambda: screen.crews.count() == CREWS, timeout=20_000)
    return screen


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[GuiThreadCollector]:
    """Garbage collection as the app runs it: in the GUI thread, with start-up frozen."""
    guard = GuiThreadCollector()
    guard.start()
    yield guard
    guard.stop()


def test_a_thousand_case_day_keeps_the_screen_responsive_and_shows_progress(
    qtbot: QtBot, branch: Branch, tasks: TaskRunner, collector: GuiThreadCollector
) -> None:
    screen = open_screen(qtbot, branch, tasks)
    assert sorted(screen.checked_crews()) == sorted(branch.crew_ids)
    shown: list[tuple[int, int, str]] = []  # the progress bar's value, maximum and text
    meter = StallMeter()

    def _on_meter_tick() -> None:
        bar = screen.progress
        if bar.isVisible():
            entry = (bar.value(), bar.maximum(), bar.text())
            if not shown or shown[-1] != entry:
                shown.append(entry)

    meter.timer.timeout.connect(_on_meter_tick)
    collector.settle()
    meter.start()
    started = time.perf_counter()
    with qtbot.waitSignal(screen.optimise_ended, timeout=120_000) as ended:
        screen.commands["optimise"].trigger()
    took = time.perf_counter() - started
    # The crews' route panels are built, laid out and painted in the next passes: they count.
    qtbot.waitUntil(lambda: len(screen.panels) == CREWS, timeout=10_000)
    qtbot.wait(200)
    meter.stop()
    print(
        f"run {took:.1f} s, longest gap {meter.longest * 1000:.0f} ms ending at "
        f"{meter.worst_at:.2f} s, {meter.ticks} ticks; bar: {shown}"
    )
    assert ended.args == [True]
    assert meter.longest < STALL_BOUND, f"GUI stalled {meter.longest:.3f} s in a {took:.1f} s run"
    assert meter.ticks > took * 1000 / TICK_MS / 3  # the timer really ran all along
    # The bar went through every stage in order, with a percentage that only rose.
    stages = [text.split("…")[0] for _v, _m, text in shown if "…" in text]
    assert list(dict.fromkeys(stages)) == [
        "Checking every case for every crew",
        "Searching for the best routes",
        "Checking each crew's route",
    ], shown
    percents = [value for value, top, _t in shown if top == 100]
    assert percents == sorted(percents), shown
    assert percents[-1] - percents[0] >= 70, shown
    # The result is on the screen: every crew's route, the left-out list, the total.
    assert screen.plan is not None
    assert len(screen.panels) == CREWS
    planned = sum(panel.model.rowCount() for panel in screen.panels)
    assert planned > 0  # how many is the planner's business (benchmarks/scale.py), not the screen's
    assert planned + screen.left_out_model.rowCount() == CASES
    assert screen.total.text().startswith(f"{CREWS} crews")


def test_the_stall_meter_sees_a_blocked_gui_thread(qtbot: QtBot) -> None:
    """The meter can fail: a GUI thread busy for half a second shows as a gap that long."""
    meter = StallMeter()
    meter.start()
    qtbot.wait(100)
    QTimer.singleShot(0, lambda: time.sleep(0.5))
    qtbot.wait(200)
    meter.stop()
    assert meter.longest >= 0.5
    assert meter.ticks >= 3
