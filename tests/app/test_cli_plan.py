"""``fieldvisit plan`` saves a draft round with the Plan screen's service and prints a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldvisit.app.cli import main


def test_plan_saves_a_draft_and_lists_stops_and_reasons(
    demo_sqlite_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    url = f"sqlite:///{copy}"
    args = ["plan", "--crew", "1", "--date", "2026-12-02", "--db", url, "--seconds", "0.5"]
    assert main([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Draft round saved for crew 1 on 2026-12-02 (round" in out
    assert " 1. " in out
    assert "Not scheduled" in out
    assert main([*args, "--lang", "zh"]) == 0
    assert "版本 2" in capsys.readouterr().out


def test_plan_names_an_unknown_crew(
    demo_sqlite_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_sqlite_file, copy)
    code = main(
        [
            "plan",
            "--crew",
            "99",
            "--date",
            "2026-12-02",
            "--db",
            f"sqlite:///{copy}",
            "--lang",
            "en",
        ]
    )
    assert code == 2
    assert "Crew 99 not found" in capsys.readouterr().err
