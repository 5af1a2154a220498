"""Check-in, the watcher, acknowledgement, SOS, duress and the board, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from fieldvisit.domain.enums import AlarmKind, AlarmState, RiskTier, SafetySessionState
from fieldvisit.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from fieldvisit.services.field.board import SafetyBoard
from fieldvisit.services.field.checkout import CheckOut, FieldCheckout
from fieldvisit.services.field.pins import set_duress_pin
from fieldvisit.services.field.response import SafetyResponse
from fieldvisit.services.field.status import SafetyStatus
from fieldvisit.services.field.visits import CheckIn, FieldVisits, Position
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import T0, World, build_world, outcome


@pytest.fixture
def world(database: Database) -> World:
    return build_world(database)


@pytest.fixture
def sqlite_world(sqlite_url: str) -> World:
    """For rules that do not depend on the backend: SQLite only, to keep the suite quick."""
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    return build_world(db)


def _alarms(world: World) -> list[tuple[str, int, str]]:
    with world.db.session_factory() as s:
        rows = s.scalars(select(m.Alarm).order_by(m.Alarm.kind, m.Alarm.step)).all()
        return [(a.kind, a.step, a.state) for a in rows]


def _watch(world: World, minutes: float, watcher: str = "w1") -> int:
    world.clock.now = T0 + timedelta(minutes=minutes)
    return len(SafetyWatcher(world.deps, watcher).run_once().raised)


@pytest.mark.parametrize(
    ("tier", "minutes"), [(None, 240), (RiskTier.MEDIUM, 120), (RiskTier.HIGH, 30)]
)
def test_check_in_lasts_as_long_as_the_address_risk_allows(
    sqlite_world: World, tier: RiskTier | None, minutes: int
) -> None:
    if tier is not None:
        sqlite_world.mark_risk(tier)
    info = sqlite_world.check_in(position=Position(31.2, 121.4, 15.0))
    assert info.expected_end == T0 + timedelta(minutes=minutes)


def test_only_the_crew_checks_in_for_itself(sqlite_world: World) -> None:
    visit_id = sqlite_world.start_visit()
    with pytest.raises(PermissionDeniedError):
        FieldVisits(sqlite_world.deps).check_in(sqlite_world.manager, CheckIn(visit_id))


def test_a_relayed_check_in_is_marked_and_its_dispatcher_may_answer(world: World) -> None:
    visit_id = world.start_visit()
    info = FieldVisits(world.deps).check_in(world.manager, CheckIn(visit_id), relayed=True)
    assert info.relayed
    _watch(world, 246)
    SafetyResponse(world.deps).acknowledge(world.manager, info.session_id, AlarmKind.OVERDUE)


def test_watcher_raises_each_step_once_even_with_two_watchers(world: World) -> None:
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    assert _watch(world, 20) == 0
    assert _watch(world, 32, "w1") == 1
    assert _watch(world, 32, "w2") == 0
    assert _watch(world, 34, "w2") == 1
    assert _watch(world, 34, "w1") == 0
    assert _alarms(world) == [("overdue", 1, "open"), ("overdue", 2, "open")]
    with world.db.session_factory() as s:
        audited = s.scalar(select(func.count()).where(m.AuditEntry.action == "safety.alarm_raised"))
    assert audited == 2


def test_the_reminder_is_stored_once(sqlite_world: World) -> None:
    sqlite_world.mark_risk(RiskTier.HIGH)
    sqlite_world.check_in()
    _watch(sqlite_world, 26, "w1")
    _watch(sqlite_world, 27, "w2")
    with sqlite_world.db.session_factory() as s:
        kinds = s.scalars(select(m.SafetyEvent.kind)).all()
    assert kinds.count("reminder") == 1


def test_acknowledge_first_wins_and_the_crew_sees_who(world: World) -> None:
    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    _watch(world, 32)
    response = SafetyResponse(world.deps)
    with pytest.raises(PermissionDeniedError):
        response.acknowledge(world.partner, info.session_id, AlarmKind.OVERDUE)
    response.acknowledge(world.manager, info.session_id, AlarmKind.OVERDUE)
    with pytest.raises(ConflictError):
        response.acknowledge(world.lead, info.session_id, AlarmKind.OVERDUE)
    seen = SafetyStatus(world.deps).session(world.collector, info.session_id)
    assert seen.alarms[0].acknowledged_by == "mgr"
    assert _watch(world, 40) == 0  # acknowledged: the ladder stops
    with pytest.raises(ValidationError):
        response.resolve(world.manager, info.session_id, AlarmKind.OVERDUE, " ")
    response.resolve(world.manager, info.session_id, AlarmKind.OVERDUE, "电话联系上，安全")
    assert _alarms(world) == [("overdue", 1, "resolved")]


def test_late_check_out_stands_the_alarm_down(world: World) -> None:
    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    _watch(world, 32)
    _watch(world, 34)
    world.clock.now = T0 + timedelta(minutes=35)
    FieldCheckout(world.deps).check_out(world.collector, CheckOut(info.visit_id or 0, outcome()))
    assert {state for _, _, state in _alarms(world)} == {"cancelled"}
    board = SafetyBoard(world.deps).snapshot(world.manager)
    assert board.rows == ()
    assert board.notices[0].notified == ("crew", "manager")


def test_sos_goes_to_the_top_of_the_board(sqlite_world: World) -> None:
    first = sqlite_world.check_in()
    second = sqlite_world.check_in()
    FieldVisits(sqlite_world.deps).sos(
        sqlite_world.collector, second.session_id, Position(31.0, 121.0)
    )
    rows = SafetyBoard(sqlite_world.deps).snapshot(sqlite_world.lead).rows
    assert [r.session_id for r in rows] == [second.session_id, first.session_id]
    assert rows[0].alarms[0].kind == AlarmKind.SOS
    assert (rows[0].last_lat, rows[0].last_lon) == (31.0, 121.0)


def test_duress_check_out_looks_normal_to_the_crew_and_alarms_the_board(world: World) -> None:
    set_duress_pin(world.deps, world.collector, "9111")
    normal = world.check_in()
    forced = world.check_in()
    checkout = FieldCheckout(world.deps)
    a = checkout.check_out(world.collector, CheckOut(normal.visit_id or 0, outcome(), pin="1234"))
    b = checkout.check_out(world.collector, CheckOut(forced.visit_id or 0, outcome(), pin="9111"))
    assert (a.checked_out_at, type(a)) == (b.checked_out_at, type(b))
    status = SafetyStatus(world.deps)
    assert status.session(world.collector, forced.session_id).alarms == ()
    assert status.session(world.collector, forced.session_id).state == SafetySessionState.CLOSED
    rows = SafetyBoard(world.deps).snapshot(world.manager).rows
    assert [(r.session_id, r.alarms[0].kind, r.alarms[0].silent) for r in rows] == [
        (forced.session_id, AlarmKind.DURESS, True)
    ]


def test_board_shows_a_silent_watcher(sqlite_world: World) -> None:
    board = SafetyBoard(sqlite_world.deps)
    assert board.snapshot(sqlite_world.manager).watcher.silent
    _watch(sqlite_world, 0)
    assert not board.snapshot(sqlite_world.manager).watcher.silent
    sqlite_world.clock.now = T0 + timedelta(minutes=1)
    assert board.snapshot(sqlite_world.manager).watcher.silent


def test_collectors_cannot_watch_the_board(sqlite_world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        SafetyBoard(sqlite_world.deps).snapshot(sqlite_world.collector)


def test_end_of_day_sweep_alarms_a_session_left_open(sqlite_world: World) -> None:
    info = sqlite_world.check_in(minutes=1440)
    assert _watch(sqlite_world, 60) == 0
    assert _watch(sqlite_world, 13 * 60 + 1) == 1  # 21:01 in Shanghai
    with sqlite_world.db.session_factory() as s:
        assert s.get_one(m.SafetySession, info.session_id).state == "alarm"


def test_extend_adds_fifteen_minutes(sqlite_world: World) -> None:
    sqlite_world.mark_risk(RiskTier.HIGH)
    info = sqlite_world.check_in()
    sqlite_world.clock.now = T0 + timedelta(minutes=31)
    extended = FieldVisits(sqlite_world.deps).extend(sqlite_world.collector, info.session_id)
    assert extended.expected_end == T0 + timedelta(minutes=46)


def test_the_alarm_state_is_audited(world: World) -> None:
    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    _watch(world, 32)
    SafetyResponse(world.deps).cancel(world.lead, info.session_id, AlarmKind.OVERDUE, "误报")
    with world.db.session_factory() as s:
        actions = set(s.scalars(select(m.AuditEntry.action)))
    assert {"safety.check_in", "safety.alarm_raised", "safety.alarm_cancelled"} <= actions
    assert {"safety.stand_down"} <= actions
    assert _alarms(world)[0][2] == AlarmState.CANCELLED.value


def test_the_watcher_thread_beats_and_stops(sqlite_world: World) -> None:
    import threading

    stop = threading.Event()
    watcher = SafetyWatcher(sqlite_world.deps, "thread")
    thread = threading.Thread(target=watcher.run_forever, args=(stop, 0.05))
    thread.start()
    board = SafetyBoard(sqlite_world.deps)
    try:
        for _ in range(100):
            if not board.snapshot(sqlite_world.manager).watcher.silent:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    # Stopped on purpose: its beat is gone, so the board says nobody is watching (and watcher
    # health pages nobody for a clean stop).
    assert board.snapshot(sqlite_world.manager).watcher.silent


def test_a_dispatcher_records_a_check_out_phoned_in(world: World) -> None:
    info = world.check_in()
    response = SafetyResponse(world.deps)
    with pytest.raises(ValidationError):
        response.relay_check_out(world.manager, info.session_id, "")
    with pytest.raises(PermissionDeniedError):
        response.relay_check_out(world.partner, info.session_id, "电话报平安")
    response.relay_check_out(world.manager, info.session_id, "组长来电：已安全离开")
    with world.db.session_factory() as s:
        row = s.get_one(m.SafetySession, info.session_id)
        event = s.scalars(select(m.SafetyEvent).where(m.SafetyEvent.kind == "check_out")).one()
        assert (row.state, row.relayed, event.relayed) == ("closed", True, True)
        assert s.get_one(m.Visit, info.visit_id).status == "open"  # outcome still to record


def test_two_dispatchers_acknowledging_at_once_give_one_owner(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    world.mark_risk(RiskTier.HIGH)
    info = world.check_in()
    _watch(world, 32)
    response = SafetyResponse(world.deps)

    def ack(actor: object) -> str:
        try:
            response.acknowledge(actor, info.session_id, AlarmKind.OVERDUE)  # type: ignore[arg-type]
        except ConflictError:
            return "refused"
        return "owner"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(ack, [world.manager, world.lead]))
    assert results == ["owner", "refused"]
    with world.db.session_factory() as s:
        owners = set(s.scalars(select(m.Alarm.acknowledged_by)))
    assert len(owners) == 1


def test_a_pass_reports_when_the_next_timer_falls_due(sqlite_world: World) -> None:
    info = sqlite_world.check_in()
    lead = sqlite_world.deps.policy.reminder_lead
    report = SafetyWatcher(sqlite_world.deps, "w1").run_once()
    assert report.raised == ()
    assert report.next_due == info.expected_end - lead  # the reminder comes first
    sqlite_world.clock.now = info.expected_end - lead
    report = SafetyWatcher(sqlite_world.deps, "w1").run_once()
    assert report.reminders == 1
    assert report.next_due == info.expected_end
    grace_end = info.expected_end + timedelta(minutes=info.grace_minutes)
    sqlite_world.clock.now = grace_end - timedelta(seconds=1)  # overdue, not yet alarmed
    assert SafetyWatcher(sqlite_world.deps, "w1").run_once().next_due == grace_end
    sqlite_world.clock.now = grace_end
    assert len(SafetyWatcher(sqlite_world.deps, "w1").run_once().raised) == 1


def _board_queries(world: World) -> tuple[int, int]:
    """The statements one board read sends, and how many rows it shows."""
    sent: list[str] = []

    def count(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        rows = SafetyBoard(world.deps).snapshot(world.lead).rows
    finally:
        event.remove(world.db.engine, "before_cursor_execute", count)
    return len(sent), len(rows)


def test_a_board_read_costs_the_same_queries_for_one_alarm_or_many(sqlite_world: World) -> None:
    """The board is re-read by every watching screen on every alarm: no query per row."""
    sqlite_world.check_in()
    _watch(sqlite_world, 300)
    one, rows = _board_queries(sqlite_world)
    assert rows == 1
    for _ in range(3):
        sqlite_world.check_in()
    sqlite_world.clock.now = T0
    _watch(sqlite_world, 300)
    many, rows = _board_queries(sqlite_world)
    assert rows == 4
    assert many == one
