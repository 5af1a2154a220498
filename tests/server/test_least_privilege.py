"""Two PostgreSQL roles: the owner migrates (one at a time); the app role cannot rewrite history."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from fieldvisit.app.cli import main
from tests.server.support import Api, ServerProcess, TestClock, fresh_database, pg_admin_url

PASSWORD = "app-secret-1"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def owner_url() -> Iterator[str]:
    with fresh_database(demo_today=date(2026, 12, 1)) as url:
        yield url


@pytest.fixture(scope="module")
def app_url(owner_url: str) -> Iterator[str]:
    """A login role with only the application's grants, and the URL that signs in as it."""
    role = f"fv_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"))
    try:
        assert main(["db", "grant-app-role", role, "--db", owner_url, "--lang", "en"]) == 0
        yield (
            make_url(owner_url)
            .set(username=role, password=PASSWORD)
            .render_as_string(hide_password=False)
        )
    finally:
        owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
        with owner.connect() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(
                text(f"REVOKE ALL ON DATABASE {make_url(owner_url).database} FROM {role}")
            )
        owner.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'rewritten'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "UPDATE visit_records SET notes = 'rewritten'",
        "DELETE FROM visit_records",
        "ALTER TABLE cases ADD COLUMN smuggled integer",
        "DROP TABLE login_attempts",
        "CREATE TABLE side_channel (x integer)",
    ],
)
def test_the_application_role_is_refused_by_postgresql(app_url: str, statement: str) -> None:
    engine = create_engine(app_url)
    try:
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() > 0
        refused = pytest.raises(ProgrammingError, match=r"permission denied|must be owner")
        with refused, engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_the_server_runs_as_the_application_role(app_url: str, tmp_path: Path) -> None:
    clock = TestClock(tmp_path / "now", datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    server = ServerProcess(app_url, tmp_path, clock, "--no-watcher")
    try:
        collector = Api.sign_in(server.base, "col.sh-e.11")
        planned = collector.post("/rounds/plan", json={"crew_id": 1, "day": "2026-12-02"})
        assert planned.status_code == 200, planned.text
        round_id = planned.json()["round"]["round_id"]
        # Appending to the audit chain is an INSERT: allowed.
        assert collector.post(f"/rounds/{round_id}/submit").status_code == 200
    finally:
        server.stop()


def test_serve_refuses_a_schema_it_would_have_to_migrate(tmp_path: Path) -> None:
    with fresh_database(migrated=False) as url:
        done = subprocess.run(
            [sys.executable, "-m", "fieldvisit", "serve", "--db", url, "--lang", "en"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert 'run "fieldvisit db upgrade" as the owner role first' in done.stderr


def test_two_upgrades_at_once_wait_for_each_other() -> None:
    with fresh_database(migrated=False) as url:
        command = [sys.executable, "-m", "fieldvisit", "db", "upgrade", "--db", url]
        runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    assert results == [(0, "")] * 3
