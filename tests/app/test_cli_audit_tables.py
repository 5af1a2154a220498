"""``audit verify`` names every payload and table edit made by SQL alone (issues #19 and #21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from fieldvisit.app.cli import main
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
    # As an attacker with the database file would: no foreign keys to stop the edit.
    with db.engine.begin() as connection:
        connection.execute(text("PRAGMA foreign_keys = OFF"))
        connection.execute(text(statement), params)


def _one(db: Database, statement: str) -> object:
    with db.engine.connect() as connection:
        return connection.execute(text(statement)).scalar()


def test_forged_approval_reason_in_the_payload_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seq = _one(demo_db, "SELECT min(seq) FROM audit_log WHERE payload IS NOT NULL "
                        "AND after_digest IS NOT NULL AND action LIKE 'round.%'")  # fmt: skip
    _sql(
        demo_db,
        "UPDATE audit_log SET payload = json_set(payload, '$.after.reason', 'forged reason') "
        "WHERE seq = :s",
        s=seq,
    )
    code, out = _verify(files, capsys)
    assert code == 1
    assert f"The content (payload) of audit entry {seq} was changed" in out


def test_garbled_payload_is_named_not_a_traceback(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(demo_db, "UPDATE audit_log SET payload = '{not json' WHERE seq = 42")
    code, out = _verify(files, capsys)
    assert code == 1
    assert "Audit entry 42 is damaged: its column payload" in out


@pytest.mark.parametrize(
    ("column", "value"),
    [("at", "yesterday"), ("seq_text", "x"), ("actor_id", "'boss'"), ("payload", "'[1,2]'")],
)
def test_wrong_types_are_named(
    demo_db: Database,
    files: tuple[str, Path, Path],
    capsys: pytest.CaptureFixture[str],
    column: str,
    value: str,
) -> None:
    if column == "seq_text":
        _sql(demo_db, "UPDATE audit_log SET seq = 'x' WHERE seq = 77")
    elif column == "at":
        _sql(demo_db, "UPDATE audit_log SET at = 'yesterday' WHERE seq = 77")
    else:
        _sql(demo_db, f"UPDATE audit_log SET {column} = {value} WHERE seq = 77")
    code, out = _verify(files, capsys)
    assert code == 1, out
    shown = "x" if column == "seq_text" else "77"
    assert f"Audit entry {shown} is damaged" in out


def test_removed_payload_without_retention_is_named(
    demo_db: Database, files: tuple[str, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    seq = _one(demo_db, "SELECT min(seq) FROM audit_log WHERE after_digest IS NOT NULL")
    _sql(demo_db, "UPDATE audit_log SET payload = NULL WHERE seq = :s", s=seq)
    code, out = _verify(files, capsys)
    assert code == 1
    assert f"The content (payload) of audit entry {seq} was removed" in out


# Table by table: change, insert and delete one row by SQL; each must be a named finding.
TAMPER = {
    "approvals": (
        "UPDATE approvals SET reason = 'forged' WHERE id = {id}",
        "INSERT INTO approvals (id, round_id, decision, reason, scope, round_version, decided_by,"
        " decided_at) SELECT 99999, round_id, 'approved', 'by hand', scope, round_version,"
        " decided_by, decided_at FROM approvals WHERE id = {id}",
        "DELETE FROM approvals WHERE id = {id}",
    ),
    "rounds": (
        "UPDATE rounds SET status = 'approved' WHERE id = (SELECT min(id) FROM rounds"
        " WHERE status <> 'approved')",
        "INSERT INTO rounds (id, crew_id, plan_date, status, rule_profile, ruleset_version,"
        " ruleset_hash, created_at, updated_at, version) SELECT 99999, crew_id, '2030-01-01',"
        " 'approved', rule_profile, ruleset_version, ruleset_hash, created_at, updated_at, 1"
        " FROM rounds WHERE id = {id}",
        "DELETE FROM rounds WHERE id = (SELECT max(id) FROM rounds)",
    ),
    "cases": (
        "UPDATE cases SET amount_overdue = 1 WHERE id = {id}",
        "INSERT INTO cases (id, creditor_id, case_number, debtor_id, product, currency,"
        " amount_overdue, days_past_due, state, flags, priority, legal_hold, created_at,"
        " updated_at) SELECT 99999, creditor_id, 'FORGED-1', debtor_id, product, currency,"
        " amount_overdue, days_past_due, state, flags, priority, legal_hold, created_at,"
        " updated_at FROM cases WHERE id = {id}",
        "DELETE FROM cases WHERE id = (SELECT max(id) FROM cases)",
    ),
    "debtors": (
        "UPDATE debtors SET phone = '13800000000' WHERE id = {id}",
        "INSERT INTO debtors (id, name, created_at) SELECT 99999, 'Forged', created_at"
        " FROM debtors WHERE id = {id}",
        "DELETE FROM debtors WHERE id = (SELECT max(id) FROM debtors)",
    ),
}


@pytest.mark.parametrize("table", sorted(TAMPER))
@pytest.mark.parametrize("how", ["change", "insert", "delete"])
def test_table_tampering_is_named(
    demo_db: Database,
    files: tuple[str, Path, Path],
    capsys: pytest.CaptureFixture[str],
    table: str,
    how: str,
) -> None:
    first = _one(demo_db, f"SELECT min(id) FROM {table}")
    assert first is not None, f"the demo has no {table}"
    code, out = _verify(files, capsys)
    assert code == 0, out
    statement = TAMPER[table][("change", "insert", "delete").index(how)].format(id=first)
    _sql(demo_db, statement)
    code, out = _verify(files, capsys)
    assert code == 1, out
    words = {"change": "was changed", "insert": "has no seal", "delete": "was removed"}[how]
    assert f"of table {table}" in out, out
    assert words in out, out
