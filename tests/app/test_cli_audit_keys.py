"""A missing key stops writes and checks, and a check creates nothing (issues #19 and #21)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldvisit.app.cli import main
from fieldvisit.services.audit import sibling_key_path
from fieldvisit.storage.database import Database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FIELDVISIT_AUDIT_KEY_FILE", raising=False)


def test_verify_of_a_copy_without_its_key_names_where_it_looked_and_writes_nothing(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    file = Path(str(demo_db.engine.url.database))
    key = sibling_key_path(file)
    key.unlink()
    demo_db.dispose()
    before = _digest(file)
    url = f"sqlite:///{file}"
    assert main(["audit", "verify", "--db", url, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"No audit key at {key}" in err
    assert "Traceback" not in err
    assert not key.exists()
    assert _digest(file) == before


def test_a_write_without_the_key_is_refused_and_leaves_the_chain_as_it_was(
    demo_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file = Path(str(demo_db.engine.url.database))
    sibling_key_path(file).unlink()
    entries = _count(demo_db)
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "demo1234")
    url = f"sqlite:///{file}"
    code = main(["plan", "--crew", "1", "--date", "2026-12-02", "--db", url, "--seconds", "0.3",
                 "--lang", "en", "--user", "col.sh-e.11"])  # fmt: skip
    assert code == 2
    assert "No audit key at" in capsys.readouterr().err
    assert _count(demo_db) == entries
    assert not sibling_key_path(file).exists()


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["audit", "verify-code", "FV-1-000000000000"],
        ["audit", "anchor"],
        ["check", "1", "--date", "2026-12-02", "--crew", "1"],
        ["print", "case", "1", "--out", "{tmp}/c.pdf", "--user", "admin"],
        ["db", "backup", "{tmp}/b.db"],
    ],
)
def test_read_only_commands_never_create_a_database_or_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "typo" / "nested" / "typo.db"
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    code = main([*args, "--db", f"sqlite:///{missing}", "--lang", "en"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"No database at {missing}" in err
    assert not (tmp_path / "typo").exists()
    assert not (tmp_path / "b.db").exists()


def test_an_empty_file_is_not_taken_for_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert main(["audit", "verify", "--db", f"sqlite:///{empty}", "--lang", "en"]) == 2
    assert "is not a FieldVisit database" in capsys.readouterr().err
    assert empty.stat().st_size == 0


def test_init_key_is_explicit_audited_and_refused_for_an_existing_chain(
    tmp_path: Path, demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["audit", "init-key", "--db", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    key = tmp_path / "new.db.audit-key"
    assert f"Audit key created at {key}" in out
    assert key.stat().st_mode & 0o777 == 0o600
    database = Database.open(url)
    with database.engine.connect() as connection:
        action = connection.execute(text("SELECT action FROM audit_log")).scalar_one()
    database.dispose()
    assert action == "audit.key_created"
    assert main(["audit", "verify", "--db", url, "--lang", "en"]) == 0
    # A second init-key keeps the key; a chain signed by a lost key gets no new one.
    assert main(["audit", "init-key", "--db", url, "--lang", "en"]) == 1
    demo_file = Path(str(demo_db.engine.url.database))
    sibling_key_path(demo_file).unlink()
    assert main(["audit", "init-key", "--db", f"sqlite:///{demo_file}", "--lang", "en"]) == 1
    assert "restore the original key file" in capsys.readouterr().err
    assert not sibling_key_path(demo_file).exists()
