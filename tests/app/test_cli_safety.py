"""``fieldvisit safety watch`` and ``board`` on SQLite, in process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.domain.enums import RiskTier
from fieldvisit.services.field.watch import SafetyWatcher
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database
from tests.services.test_safety_world import KEY, T0, build_world


@pytest.fixture
def url_and_key(sqlite_url: str, tmp_path: Path) -> tuple[str, Path]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    world = build_world(db)
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    db.dispose()
    key = tmp_path / "audit.key"
    key.write_text(KEY.hex(), encoding="ascii")
    return sqlite_url, key


def test_watch_once_raises_the_overdue_alarm_once(
    url_and_key: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, key = url_and_key
    late = (T0 + timedelta(minutes=33)).isoformat()
    args = ["--lang", "en", "safety", "watch", "--once", "--db", url, "--audit-key", str(key)]
    assert main([*args, "--now", late]) == 0
    assert main([*args, "--now", late]) == 0
    out = capsys.readouterr().out
    assert out.count("overdue step 1, alerting crew") == 1
    assert "1 sessions checked, 0 new alarm steps." in out
    board = ["--lang", "en", "safety", "board", "--db", url, "--audit-key", str(key)]
    assert main([*board, "--user", "mgr", "--now", late]) == 0
    assert "overdue/1/open/-" in capsys.readouterr().out


def test_a_time_without_zone_is_refused(
    url_and_key: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _key = url_and_key
    with pytest.raises(SystemExit):
        main(["safety", "watch", "--once", "--db", url, "--now", "2026-12-01T10:00:00"])
    assert "has no time zone" in capsys.readouterr().err


def test_the_interval_must_be_positive(url_and_key: tuple[str, Path]) -> None:
    url, key = url_and_key
    args = ["safety", "watch", "--db", url, "--interval", "0", "--audit-key", str(key)]
    assert main(args) == 2


def test_the_board_prints_the_watchers_beat_in_the_teams_zone_with_its_offset(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    world = build_world(db, zone="America/New_York")
    SafetyWatcher(world.deps).run_once()  # a heartbeat at T0
    db.dispose()
    key = tmp_path / "audit.key"
    key.write_text(KEY.hex(), encoding="ascii")
    board = ["--lang", "en", "safety", "board", "--db", sqlite_url, "--audit-key", str(key)]
    board += ["--user", "mgr"]
    assert main([*board, "--now", T0.isoformat()]) == 0
    out = capsys.readouterr().out
    # T0 is 02:00 UTC: 21:00 the evening before in New York (EST), printed with the offset.
    assert "2026-11-30T21:00:00-05:00" in out
    assert "+00:00" not in out
