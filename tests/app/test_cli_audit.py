"""``fieldvisit audit verify`` detects each kind of tampering by raw SQL and names the entry."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldvisit.app.cli import main
from fieldvisit.domain.audit_chain import ChainFields, entry_hash
from fieldvisit.services.audit import DEMO_AUDIT_KEY, write_key_file
from fieldvisit.storage.database import Database


@pytest.fixture
def files(demo_db: Database, tmp_path: Path) -> tuple[str, Path, Path]:
    key_file, anchors = tmp_path / "audit.key", tmp_path / "anchors.jsonl"
    write_key_file(key_file, DEMO_AUDIT_KEY)
    url = demo_db.engine.url.render_as_string(hide_password=False)
    assert main(["audit", "anchor", "--db", url, "--anchors", str(anchors), "--lang", "en"]) == 0
    return url, key_file, anchors


def _verify(files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    url, key_file, anchors = files
    capsys.readouterr()
    code = main(
        ["audit", "verify", "--db", url, "--key-file", str(key_file), "--anchors", str(anchors),
         "--lang", "en"]
    )  # fmt: skip
    return code, capsys.readouterr().out


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_untouched_demo_chain_verifies(
    files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _verify(files, capsys)
    assert code == 0, out
    assert "intact" in out


def test_changed_entry_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(demo_db, "UPDATE audit_log SET action = 'round.deleted' WHERE seq = 100")
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Audit entry 100 was changed" in out


def test_deleted_entry_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(demo_db, "DELETE FROM audit_log WHERE seq = 250")
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Audit entry 250 was removed" in out


def test_inserted_entry_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.engine.begin() as connection:
        prev = connection.execute(
            text("SELECT entry_hash FROM audit_log WHERE seq = 299")
        ).scalar_one()
        # Make room at 300 as a forger would: renumber the later entries, highest first.
        top = connection.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
        for seq in range(top, 299, -1):
            connection.execute(
                text("UPDATE audit_log SET seq = seq + 1 WHERE seq = :s"), {"s": seq}
            )
        connection.execute(
            text(
                "INSERT INTO audit_log (seq, at, action, entity_type, prev_hash, entry_hash) "
                "VALUES (300, '2026-11-20 01:00:00', 'visit.recorded', 'visit_record', :p, :h)"
            ),
            {"p": prev, "h": "f" * 64},
        )
    code, out = _verify(files, capsys)
    assert code == 1
    assert "An audit entry was inserted at seq 300" in out


def test_rehashed_forged_chain_without_the_key_is_detected(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    forger_key = hashlib.sha256(b"a guess").digest()
    assert not hmac.compare_digest(forger_key, DEMO_AUDIT_KEY)
    with demo_db.engine.begin() as connection:
        rows = connection.execute(
            text("SELECT seq, at, actor_id, action, entity_type, entity_id, before_digest, "
                 "after_digest FROM audit_log WHERE seq >= 400 ORDER BY seq")
        ).all()  # fmt: skip
        prev = connection.execute(
            text("SELECT entry_hash FROM audit_log WHERE seq = 399")
        ).scalar_one()
        for row in rows:
            action = "round.deleted" if row.seq == 400 else row.action
            at = row.at if isinstance(row.at, str) else row.at.isoformat()
            fields = ChainFields(row.seq, at, row.actor_id, action, row.entity_type, row.entity_id,
                                 row.before_digest, row.after_digest, prev)  # fmt: skip
            forged = entry_hash(forger_key, fields)
            connection.execute(
                text("UPDATE audit_log SET action = :a, prev_hash = :p, entry_hash = :h "
                     "WHERE seq = :s"),
                {"a": action, "p": prev, "h": forged, "s": row.seq},
            )  # fmt: skip
            prev = forged
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Audit entry 400 was changed" in out


def test_deleting_the_newest_entries_is_caught_by_the_anchor(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.engine.connect() as connection:
        head = connection.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
    _sql(demo_db, "DELETE FROM audit_log WHERE seq > :s", s=head - 5)
    code, out = _verify(files, capsys)
    assert code == 1
    assert f"the newest entries from seq {head - 4} were removed" in out


def test_changed_visit_record_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(demo_db, "UPDATE visit_records SET ptp_amount = 1 WHERE id = 7")
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Visit record 7 was changed" in out


def test_changed_visit_record_with_recomputed_hash_is_still_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(
        demo_db, "UPDATE visit_records SET notes = 'x', content_hash = :h WHERE id = 8", h="0" * 64
    )
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Visit record 8 was changed" in out


def test_deleted_visit_record_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.engine.connect() as connection:
        record = connection.execute(
            text("SELECT max(id) FROM visit_records WHERE id NOT IN "
                 "(SELECT supersedes_id FROM visit_records WHERE supersedes_id IS NOT NULL)")
        ).scalar()  # fmt: skip
    _sql(demo_db, "DELETE FROM visit_records WHERE id = :r", r=record)
    code, out = _verify(files, capsys)
    assert code == 1
    assert f"Visit record {record} was removed" in out


def test_inserted_visit_record_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(
        demo_db,
        "INSERT INTO visit_records (id, visit_id, version, person_met, outcome_code, next_action,"
        " next_action_date, evidence, recorded_by, recorded_at, content_hash) SELECT 99999,"
        " visit_id, 9, 'debtor', 'payment_collected', 'revisit', next_action_date, '[]',"
        " recorded_by, recorded_at, content_hash FROM visit_records WHERE id = 3",
    )
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Visit record 99999 has no audit entry" in out


def test_verify_code_matches_and_mismatches(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldvisit.domain.records import verification_code

    url = files[0]
    with demo_db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT content_hash FROM visit_records WHERE id = 5")
        ).scalar_one()
    good = verification_code(5, stored)
    assert main(["audit", "verify-code", good, "--db", url, "--lang", "en"]) == 0
    assert "Match" in capsys.readouterr().out
    assert main(["audit", "verify-code", "FV-5-000000000000", "--db", url, "--lang", "en"]) == 1
    assert "No match" in capsys.readouterr().out
    _sql(demo_db, "UPDATE visit_records SET notes = 'x' WHERE id = 5")
    assert main(["audit", "verify-code", good, "--db", url, "--lang", "en"]) == 1
    assert "tampered" in capsys.readouterr().out
