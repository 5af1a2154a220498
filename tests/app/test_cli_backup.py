"""``db backup`` carries the key (or says it does not) and never overwrites silently; a restore on
another path verifies (issue #21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.app.cli import main
from fieldvisit.storage.database import Database


@pytest.fixture(autouse=True)
def _keys_beside_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDVISIT_AUDIT_KEY_FILE", raising=False)
    monkeypatch.delenv("FIELDVISIT_AUDIT_ANCHORS", raising=False)


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_backup_refuses_to_overwrite_without_force(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "backups" / "b.db"
    assert main(["db", "backup", str(file), "--db", _url(demo_db), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "The audit key is NOT in this backup" in out
    first = file.read_bytes()
    file.write_bytes(b"the only good backup")
    assert main(["db", "backup", str(file), "--db", _url(demo_db), "--lang", "en"]) == 2
    assert "already exists and was left as it is" in capsys.readouterr().err
    assert file.read_bytes() == b"the only good backup"
    assert main(["db", "backup", str(file), "--force", "--db", _url(demo_db), "--lang", "en"]) == 0
    assert file.read_bytes()[:16] == first[:16]


def test_restore_with_the_exported_key_verifies_on_another_path(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "b.db"
    assert main(["db", "backup", str(file), "--with-key", "--db", _url(demo_db)]) == 0
    exported = tmp_path / "b.db.audit-key"
    assert exported.stat().st_mode & 0o777 == 0o600
    other = tmp_path / "elsewhere" / "restored.db"
    other.parent.mkdir()
    url = f"sqlite:///{other}"
    assert main(["db", "restore", str(file), "--db", url, "--lang", "en"]) == 0
    assert "Audit key in place" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", url, "--lang", "en"]) == 0
    assert "The audit chain is intact." in capsys.readouterr().out


def test_restore_without_the_key_says_so_and_verify_names_the_missing_key(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "b.db"
    assert main(["db", "backup", str(file), "--db", _url(demo_db)]) == 0
    other = tmp_path / "elsewhere" / "restored.db"
    other.parent.mkdir()
    url = f"sqlite:///{other}"
    assert main(["db", "restore", str(file), "--db", url, "--lang", "en"]) == 0
    assert "No audit key came with the backup" in capsys.readouterr().out
    assert main(["audit", "verify", "--db", url, "--lang", "en"]) == 2
    assert "No audit key at" in capsys.readouterr().err
