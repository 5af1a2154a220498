"""``fieldvisit print …`` writes PDFs as a signed-in user; ``db retention`` and backups anchor."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.app.cli import main
from fieldvisit.storage.database import Database
from tests.helpers import use_demo_key


@pytest.fixture
def url(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "demo1234")
    return demo_db.engine.url.render_as_string(hide_password=False)


def test_print_a_visit_as_a_collector_masks_the_debtor(demo_db: Database, url: str,
                                                       tmp_path: Path) -> None:  # fmt: skip
    from tests.services.test_records_print import _record_of_team, actor

    record_id, debtor, _address = _record_of_team(demo_db, actor(demo_db, "col.sh-e.11").team_id)
    out = tmp_path / "visit.pdf"
    code = main(["print", "visit", str(record_id), "--out", str(out), "--user", "col.sh-e.11",
                 "--db", url, "--lang", "zh"])  # fmt: skip
    assert code == 0
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert debtor.phone
    assert debtor.phone[:3] + "****" + debtor.phone[-4:] in text
    assert debtor.phone not in text


def test_print_a_binder_as_compliance(url: str, tmp_path: Path) -> None:
    out = tmp_path / "binder.pdf"
    code = main(["print", "binder", "2026-11-27", "2026-11-27", "--out", str(out), "--user",
                 "compliance", "--db", url, "--lang", "zh"])  # fmt: skip
    assert code == 0
    first = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "外访记录汇编 2026-11-27 至 2026-11-27" in first


def test_a_wrong_password_prints_nothing(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "wrong")
    out = tmp_path / "x.pdf"
    assert main(["print", "case", "WA202600001", "--out", str(out), "--user", "compliance",
                 "--db", url, "--lang", "en"]) == 1  # fmt: skip
    assert "Wrong user name or password" in capsys.readouterr().err
    assert not out.exists()


def test_retention_dry_run_from_the_command_line(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_demo_key(monkeypatch, tmp_path / "k.key")
    assert (
        main(["db", "retention", "--dry-run", "--user", "admin", "--db", url, "--lang", "en"]) == 0
    )
    assert "Dry run (nothing changed)" in capsys.readouterr().out
    assert main(["db", "retention", "--years", "1", "--user", "admin", "--db", url]) == 2


def test_a_backup_writes_an_anchor(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    monkeypatch.setenv("FIELDVISIT_AUDIT_ANCHORS", str(anchors))
    assert main(["db", "backup", str(tmp_path / "b.db"), "--db", url, "--lang", "en"]) == 0
    line = json.loads(anchors.read_text(encoding="utf-8").splitlines()[-1])
    assert line["reason"] == "backup"
    assert line["seq"] > 1000


def test_bootstrap_the_first_admin_then_add_a_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("FIELDVISIT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    # Setting up a new database (its first administrator) creates its key, and says where.
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "first-admin-pw")
    assert main(["users", "add", "boss", "--role", "admin", "--db", url, "--lang", "en"]) == 0
    assert f"Audit key created at {tmp_path / 'audit.key'}" in capsys.readouterr().out
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    # Once the chain has entries a key is never made again: the old one must be restored.
    (tmp_path / "audit.key").rename(tmp_path / "kept.key")
    assert main(["audit", "init-key", "--db", url, "--lang", "en"]) != 0
    assert "restore the original key" in capsys.readouterr().err
    (tmp_path / "kept.key").rename(tmp_path / "audit.key")
    # A second admin without signing in is refused: bootstrap works once.
    assert main(["users", "add", "boss2", "--role", "admin", "--db", url, "--lang", "en"]) == 1
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("FIELDVISIT_NEW_PASSWORD", "collector-pw")
    assert main(["users", "add", "li.na", "--role", "collector", "--user", "boss", "--db", url,
                 "--lang", "en"]) == 0  # fmt: skip
    monkeypatch.setenv("FIELDVISIT_PASSWORD", "collector-pw")
    assert main(["audit", "verify", "--db", url, "--lang", "en"]) == 0
    assert "Added user li.na" in capsys.readouterr().out
