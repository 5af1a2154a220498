"""Bad command lines from issue #21 item 7: exit 2 with a message naming the argument, never a
traceback, and nothing written."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.storage.database import Database


@pytest.fixture
def url(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "demo1234")
    return demo_db.engine.url.render_as_string(hide_password=False)


def _exit(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse refuses the argument itself
        return int(str(exc.code))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--date", "9999-12-31"], "outside 2000-01-01"),
        (["--date", "0001-01-01"], "outside 2000-01-01"),
        (["--date", "2026-12-02", "--seconds", "-1"], "Search time -1"),
        (["--date", "2026-12-02", "--seconds", "nan"], "Search time nan"),
        (["--date", "2026-12-02", "--seconds", "inf"], "Search time inf"),
    ],
)
def test_bad_plan_arguments_are_named(
    url: str, capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    assert _exit(["plan", "--crew", "1", *extra, "--db", url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_an_unwritable_out_file_is_a_message(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["print", "binder", "2026-11-20", "2026-11-21", "--out", "/proc/x.pdf",
            "--user", "compliance", "--purpose", "audit", "--db", url, "--lang", "en"]  # fmt: skip
    assert _exit(argv) == 2
    assert "Cannot use the file /proc/x.pdf" in capsys.readouterr().err


def test_a_bad_port_in_the_database_url_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["audit", "verify", "--db", "postgresql://u@localhost:notaport/db", "--lang", "en"]
    assert _exit(argv) == 2
    err = capsys.readouterr().err
    assert "notaport" in err
    assert "Traceback" not in err


def test_printing_an_unknown_case_writes_nothing(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.pdf"
    argv = ["print", "case", "NOPE", "--out", str(out), "--user", "compliance",
            "--purpose", "audit", "--db", url, "--lang", "en"]  # fmt: skip
    assert _exit(argv) == 2
    assert "No case numbered NOPE" in capsys.readouterr().err
    assert not out.exists()


def test_users_add_without_a_terminal_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDVISIT_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert _exit(["users", "add", "boss", "--role", "admin", "--db", url, "--lang", "en"]) == 2
    assert "No terminal to ask for the new password" in capsys.readouterr().err
