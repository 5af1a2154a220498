"""``fieldvisit notify`` sets delivery up; ``fieldvisit safety watch`` then delivers by itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.domain.enums import RiskTier
from fieldvisit.storage import migrate
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.services.notify_receivers import SmtpServer
from tests.services.notify_world import admin_actor
from tests.services.test_safety_world import KEY, T0, build_world


@pytest.fixture
def url_and_key(sqlite_url: str, tmp_path: Path) -> tuple[str, Path]:
    db = Database.open(sqlite_url)
    migrate.upgrade(db.engine)
    world = build_world(db)
    admin_actor(world)
    world.mark_risk(RiskTier.HIGH)
    world.check_in()
    db.dispose()
    key = tmp_path / "audit.key"
    key.write_text(KEY.hex(), encoding="ascii")
    return sqlite_url, key


def test_configured_on_the_command_line_delivered_by_the_watcher(
    url_and_key: tuple[str, Path], smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url, key = url_and_key
    base = ["--lang", "en", "notify"]
    db = ["--db", url, "--audit-key", str(key), "--team", "T1"]
    port = str(smtp_server.port)
    channels = ["--smtp-host", "127.0.0.1", "--smtp-port", port, "--smtp-from", "fv@example.com"]
    assert main([*base, "channels", *db, "--user", "admin", *channels, "--language", "en"]) == 0
    assert main([*base, "set-step", *db, "--user", "mgr", "--step", "1", "--push"]) == 0
    mail = ["--email", "mgr@example.com"]
    assert main([*base, "set-step", *db, "--user", "mgr", "--step", "2", *mail]) == 0
    assert main([*base, "set-step", *db, "--user", "mgr", "--step", "4", *mail]) != 0
    assert "only be changed by an administrator" in capsys.readouterr().err
    assert main([*base, "routes", *db, "--user", "mgr"]) == 0
    listed = capsys.readouterr()
    assert "2\tmanager\temail\tmgr@example.com" in listed.out
    assert "step 3 reaches nobody" in listed.err
    assert "step 4 reaches nobody" in listed.err
    assert main([*base, "drill", *db, "--user", "mgr"]) == 0
    drill = capsys.readouterr().out
    assert "step 2\temail\tmgr@example.com\tdelivered" in drill
    assert "step 1\tpush\t*\tno board connected right now" in drill  # reported, not fatal
    [(_, test_mail)] = smtp_server.inbox.messages
    assert "no action needed" in test_mail["Subject"]
    smtp_server.inbox.messages.clear()
    watch = ["--lang", "en", "safety", "watch", "--once", "--db", url, "--audit-key", str(key)]
    for minutes in (32, 34):
        assert main([*watch, "--now", (T0 + timedelta(minutes=minutes)).isoformat()]) == 0
    assert [rcpt for rcpt, _ in smtp_server.inbox.messages] == [["mgr@example.com"]]


def test_the_safety_lead_lists_and_acknowledges_a_watcher_outage(
    url_and_key: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, key = url_and_key
    watch = ["safety", "watch", "--once", "--db", url, "--audit-key", str(key)]
    db = ["--db", url, "--audit-key", str(key)]
    # A watcher that crashed leaves its beat behind (a clean --once removes its own).
    database = Database.open(url)
    with database.session_factory.begin() as s:
        s.add(m.WatcherHeartbeat(watcher_id="server-a", host="srv", beat_at=T0, started_at=T0))
    database.dispose()
    assert main([*watch, "--now", (T0 + timedelta(minutes=2)).isoformat()]) == 0
    assert main(["--lang", "en", "notify", "outages", *db, "--user", "lead"]) == 0
    assert (
        "#1 watcher server-a silent since 2026-12-01T10:00:00+08:00" in capsys.readouterr().out
    )  # Shanghai: the teams' zone
    assert main(["--lang", "en", "notify", "outages", *db, "--user", "lead", "--ack", "1"]) == 0
    assert "server-a" not in capsys.readouterr().out
