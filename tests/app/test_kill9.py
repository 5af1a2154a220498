"""kill -9 in the middle of an import and of a plan save leaves a clean database (issue #19).

Each command runs in a child process that SIGKILLs itself just before its N-th writing statement
(N drawn with a fixed seed from the writes a full run makes), so the kill lands inside the write
and at the same place every run. benchmarks/robustness/kill9.py does the same with timers, 20
times per operation and on 50,000 rows.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldvisit.services.audit import DEMO_AUDIT_KEY, sibling_key_path, write_key_file
from fieldvisit.storage import models as m
from tests import robustness_checks as checks
from tests.app.signing_in import TEAM_MANAGER, demo_password
from tests.conftest import DEMO_TODAY

ROOT = Path(__file__).resolve().parents[2]
KILLS = 3
ROWS = 2_000


def _copy(demo_sqlite_file: Path, folder: Path) -> str:
    folder.mkdir()
    copy = folder / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    write_key_file(sibling_key_path(copy), DEMO_AUDIT_KEY)
    return f"sqlite:///{copy}"


def _run(argv: list[str], at_write: int, count_file: Path) -> int:
    code = (
        "import sys; from tests.robustness_checks import cli_killing_itself as run; "
        "run(sys.argv[3:], int(sys.argv[1]), sys.argv[2])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(at_write), str(count_file), *argv],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return done.returncode


def _kill_points(argv_for: object, folder: Path, demo_sqlite_file: Path) -> tuple[int, list[int]]:
    """The writes of a full run, and KILLS of them drawn with a fixed seed."""
    url = _copy(demo_sqlite_file, folder / "full")
    count = folder / "full.count"
    assert _run(argv_for(url), 0, count) == 0  # type: ignore[operator]
    writes = int(count.read_text())
    assert writes > KILLS
    return writes, sorted(random.Random(19).sample(range(1, writes + 1), KILLS))


@pytest.mark.slow
def test_kill_during_an_import_leaves_all_or_nothing(
    demo_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDVISIT_AUDIT_KEY_FILE", raising=False)
    source = tmp_path / "cases.csv"
    checks.write_cases_csv(source, ROWS)

    def argv(url: str) -> list[str]:
        return ["import", "cases", str(source), "--creditor", "DEMO-BANK", "--db", url]

    writes, points = _kill_points(argv, tmp_path, demo_sqlite_file)
    for point in points:
        folder = tmp_path / f"kill{point}"
        url = _copy(demo_sqlite_file, folder)
        assert _run(argv(url), point, folder / "count") == -9, f"write {point} of {writes}"
        assert checks.integrity_problems(folder / "demo.db") == []
        assert checks.audit_verify(url)[0] == 0, checks.audit_verify(url)[1]
        assert checks.import_problems(url, "KILL", ROWS, "cases.csv") == []


@pytest.mark.slow
def test_kill_during_a_plan_save_leaves_no_round_without_stops(
    demo_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDVISIT_AUDIT_KEY_FILE", raising=False)
    demo_password(monkeypatch)
    day = DEMO_TODAY.replace(day=DEMO_TODAY.day + 1).isoformat()

    def argv(url: str) -> list[str]:
        return ["plan", "--team", "1", "--date", day, "--seconds", "0.2", "--seed", "1",
                "--user", TEAM_MANAGER[1], "--db", url]  # fmt: skip

    writes, points = _kill_points(argv, tmp_path, demo_sqlite_file)
    full = f"sqlite:///{tmp_path / 'full' / 'demo.db'}"
    before = checks.count_rows(f"sqlite:///{demo_sqlite_file}", m.Round)
    saved = checks.count_rows(full, m.Round) - before
    assert saved == checks.crews_of_team(full, 1)  # the full run saved every crew's round
    for point in points:
        folder = tmp_path / f"kill{point}"
        url = _copy(demo_sqlite_file, folder)
        assert _run(argv(url), point, folder / "count") == -9, f"write {point} of {writes}"
        assert checks.integrity_problems(folder / "demo.db") == []
        assert checks.audit_verify(url)[0] == 0, checks.audit_verify(url)[1]
        assert checks.rounds_without_stops(url) == []
        assert checks.count_rows(url, m.Round) - before in (0, saved)


def test_the_demo_key_is_in_place_before_the_demo_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill -9 right after the demo's commit must not leave its chain without its key. With
    the key kept elsewhere (a settings file, PostgreSQL) it used to be written after the commit,
    and ``audit verify`` then said the key was missing."""
    from typing import Any

    from fieldvisit.app.cli import main
    from fieldvisit.demo import build

    database = tmp_path / "demo.db"
    key = tmp_path / "keys" / "demo.key"
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(key))
    seen: list[bool] = []
    original = build.create_demo

    def create_demo(*args: Any, **kwargs: Any) -> Any:
        summary = original(*args, **kwargs)
        seen.append(key.exists())  # the demo has committed: the moment a kill would hit
        return summary

    monkeypatch.setattr(build, "create_demo", create_demo)
    argv = ["demo", "--db", f"sqlite:///{database}", "--today", DEMO_TODAY.isoformat()]
    assert main(argv) == 0
    assert seen == [True]
    assert key.read_text() == DEMO_AUDIT_KEY.hex()


def test_a_kill_during_the_first_migration_leaves_a_database_that_opens_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's driver ran each CREATE TABLE outside any transaction, so a kill in the middle
    of setting up a new database left some tables and no revision; every later start then
    failed on "table already exists" (found by benchmarks/robustness/kill9.py, demo run 18)."""
    from fieldvisit.app.cli import main

    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(tmp_path / "demo.key"))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    argv = ["demo", "--db", url, "--today", DEMO_TODAY.isoformat()]
    # Write 12: well inside the first migration (dozens of tables), before any demo row.
    assert _run(argv, 12, tmp_path / "count") == -9
    assert checks.integrity_problems(tmp_path / "demo.db") == []
    assert not checks.has_tables(tmp_path / "demo.db")  # all of the schema or none of it
    assert main(argv) == 0
    assert checks.audit_verify(url)[0] == 0
