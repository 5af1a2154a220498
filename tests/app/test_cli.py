"""The command line: version, database upkeep and demo, with ``--db`` before or after the name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fieldvisit import __version__
from fieldvisit.app.cli import main
from fieldvisit.storage import migrate
from fieldvisit.storage.database import Database


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"fieldvisit {__version__}"


def test_python_dash_m_runs_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fieldvisit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"fieldvisit {__version__}"


@pytest.mark.parametrize("db_first", [True, False])
def test_db_upgrade_accepts_db_before_or_after_the_name(
    db_first: bool, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = (
        ["--db", sqlite_url, "db", "upgrade"] if db_first else ["db", "upgrade", "--db", sqlite_url]
    )
    assert main([*argv, "--lang", "en"]) == 0
    assert f"schema {migrate.head_revision()}" in capsys.readouterr().out
    db = Database.open(sqlite_url)
    assert "cases" in db.table_names()


def test_demo_then_backup_then_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = f"sqlite:///{tmp_path / 'demo.db'}"
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    backup_file = tmp_path / "demo.backup"
    assert main(["demo", "--db", source, "--today", "2026-12-01", "--lang", "en"]) == 0
    assert "400 cases" in capsys.readouterr().out
    assert main(["db", "backup", str(backup_file), "--db", source, "--lang", "en"]) == 0
    assert main(["db", "restore", str(backup_file), "--db", target, "--lang", "zh"]) == 0
    assert "已从" in capsys.readouterr().out


def test_errors_are_translated_and_exit_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code = main(["db", "restore", str(tmp_path / "missing.backup"), "--db", url, "--lang", "zh"])
    assert code == 2
    assert "找不到备份文件" in capsys.readouterr().err


def test_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--today", "2026-13-01"])
    assert caught.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_unsupported_database_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--db", "mysql://u@h/x", "--lang", "en"]) == 2
    assert "Unsupported database type: mysql" in capsys.readouterr().err
