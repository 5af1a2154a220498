"""``examples/onboarding.sh``: from an empty database to a printed route sheet with the command line
and import files only, on SQLite and on PostgreSQL; a failing step stops the script non-zero."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from fieldvisit.domain.compliance.calendars import day_info, in_spring_festival
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

SCRIPT = Path(__file__).parents[2] / "examples" / "onboarding.sh"


def _working_day(today: date) -> date:
    """A coming Chinese working day, so the plan is never a holiday's warning or a block."""
    day = today + timedelta(days=2)
    while day.weekday() >= 5 or day_info("CN", day).holiday or in_spring_festival(day):
        day += timedelta(days=1)
    return day


def _run(url: str, out: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    shim = tmp_path / "fieldvisit"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fieldvisit "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "FIELDVISIT": str(shim),
        "PLAN_DATE": _working_day(date.today()).isoformat(),
        # The audit key and anchors of a PostgreSQL database stay in this test's folder.
        "FIELDVISIT_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "FIELDVISIT_AUDIT_ANCHORS": str(tmp_path / "anchors.jsonl"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), url, str(out)], env=env, capture_output=True, text=True, timeout=600
    )


def test_empty_database_to_route_sheet(empty_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(empty_url, out, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pdf = (out / "route.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "ACME-0001" in text
    db = Database.open(empty_url)
    try:
        with db.session_factory() as s:
            assert s.scalar(select(func.count(m.Team.id))) == 2
            assert s.scalar(select(func.count(m.Crew.id))) == 4
            assert s.scalar(select(func.count(m.User.id))) == 11  # the admin and 10 people
            assert s.scalar(select(m.Creditor.currency)) == "CNY"
            assert s.scalar(select(m.Round.status)) == "approved"
            audited = set(s.scalars(select(m.AuditEntry.action)))
    finally:
        db.dispose()
    assert {"org.team.created", "org.crew.created", "org.user.created"} <= audited
    assert {"debtor.availability_added", "round.approved"} <= audited


def test_a_failing_step_stops_the_script(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldvisit.app.cli import main

    # On a database that is no longer empty the first administrator cannot be created again.
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "someone-else-1")
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    assert main(["users", "add", "root", "--role", "admin", "--db", sqlite_url]) == 0
    done = _run(sqlite_url, tmp_path / "out", tmp_path)
    assert done.returncode != 0
    assert "== 2." not in done.stdout  # stopped at the first step
    assert not (tmp_path / "out" / "route.pdf").exists()
