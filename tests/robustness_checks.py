"""What must hold after any crash (kill -9, power cut): used by the kill -9 tests and the
``benchmarks/robustness/kill9.py`` script, so both judge a database by the same rules."""

from __future__ import annotations

import contextlib
import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

CASE_HEADERS = [
    "案件编号",
    "姓名",
    "身份证号",
    "手机号",
    "家庭住址",
    "单位地址",
    "逾期金额",
    "逾期天数",
]


def write_cases_csv(path: Path, rows: int, prefix: str = "KILL") -> None:
    """``rows`` valid cases numbered KILL000001…, in the layout the case import recognises."""
    from fieldvisit.domain.import_cells import id_number_checksum

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_HEADERS)
        for i in range(1, rows + 1):
            body = f"31010119{80 + i % 20:02d}0{1 + i % 9}{10 + i % 18:02d}{i % 1000:03d}"
            writer.writerow(
                [f"{prefix}{i:06d}", f"张{i}", body + id_number_checksum(body), f"138{i:08d}",
                 f"上海市浦东新区世纪大道{i}号", "", f"{1000 + i}.50", str(30 + i % 90)]
            )  # fmt: skip


@contextlib.contextmanager
def _session(url: str) -> Iterator[Session]:
    database = Database.open(url)
    try:
        with database.session_factory() as session:
            yield session
    finally:
        database.dispose()


def integrity_problems(path: Path) -> list[str]:
    """SQLite's own verdict on the file (``[]`` when ``PRAGMA integrity_check`` says ok)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def has_tables(path: Path) -> bool:
    """Whether the schema was ever committed (a kill during the first migration leaves none)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        found = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return bool(found[0])


def audit_verify(url: str) -> tuple[int, str]:
    """``fieldvisit audit verify`` as a user runs it: its exit status and what it printed."""
    from fieldvisit.app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(["audit", "verify", "--db", url, "--lang", "en"])
        except SystemExit as exc:
            code = int(str(exc.code or 0))
    return code, out.getvalue()


def import_problems(url: str, prefix: str, rows: int, filename: str) -> list[str]:
    """An import is all or nothing: none of its cases and no batch, or all ``rows`` and one."""
    with _session(url) as s:
        cases = s.scalar(
            select(func.count()).select_from(m.Case).where(m.Case.case_number.like(f"{prefix}%"))
        )
        batches = s.scalar(
            select(func.count())
            .select_from(m.ImportBatch)
            .where(m.ImportBatch.filename == filename)
        )
    if (cases, batches) in ((0, 0), (rows, 1)):
        return []
    return [f"half-written import: {cases} of {rows} cases, {batches} batch rows"]


def rounds_without_stops(url: str) -> list[int]:
    """Rounds saved without any of their stops (a plan save cut in two)."""
    with _session(url) as s:
        return list(
            s.scalars(
                select(m.Round.id)
                .outerjoin(m.RoundStop, m.RoundStop.round_id == m.Round.id)
                .group_by(m.Round.id)
                .having(func.count(m.RoundStop.id) == 0)
            )
        )


def records_without_audit(url: str) -> list[int]:
    """Visit records (check-out outcomes) with no audit entry naming them."""
    from fieldvisit.services.records.verify import RECORD_ENTITY

    with _session(url) as s:
        audited = set(
            s.scalars(
                select(m.AuditEntry.entity_id).where(m.AuditEntry.entity_type == RECORD_ENTITY)
            )
        )
        return [i for i in s.scalars(select(m.VisitRecord.id)) if str(i) not in audited]


def visits_without_audit(url: str, after: int = 0) -> list[int]:
    """Visits above id ``after`` (the demo's history has none) with no ``visit`` entry."""
    with _session(url) as s:
        audited = set(
            s.scalars(select(m.AuditEntry.entity_id).where(m.AuditEntry.entity_type == "visit"))
        )
        new = s.scalars(select(m.Visit.id).where(m.Visit.id > after))
        return [i for i in new if str(i) not in audited]


def last_id(url: str, model: type[m.Visit] | type[m.Round]) -> int:
    with _session(url) as s:
        return int(s.scalar(select(func.max(model.id))) or 0)


def closed_visits_without_record(url: str) -> list[int]:
    """Visits marked closed (checked out) with no outcome record: a check-out cut in two."""
    with _session(url) as s:
        return list(
            s.scalars(
                select(m.Visit.id)
                .outerjoin(m.VisitRecord, m.VisitRecord.visit_id == m.Visit.id)
                .where(m.Visit.status == "closed", m.VisitRecord.id.is_(None))
            )
        )


def count_rows(url: str, model: type[m.Case] | type[m.Round] | type[m.AuditEntry]) -> int:
    with _session(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def crews_of_team(url: str, team_id: int) -> int:
    with _session(url) as s:
        return int(
            s.scalar(select(func.count()).select_from(m.Crew).where(m.Crew.team_id == team_id)) or 0
        )


_WRITES = ("INSERT", "UPDATE", "DELETE", "COMMIT", "RELEASE", "CREATE", "DROP", "ALTER")


def cli_killing_itself(argv: list[str], at_write: int, count_file: str) -> None:
    """Run ``fieldvisit ARGV`` in this process and SIGKILL it just before its ``at_write``-th
    writing statement (0: never; the number of writes is then left in ``count_file``).

    Counting statements makes a kill land at a chosen point inside the write, the same one every
    run, where a timer would mostly land before or after it.
    """
    import os
    import signal

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from fieldvisit.app.cli import main

    writes = 0

    def before(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        nonlocal writes
        if statement.lstrip().upper().startswith(_WRITES):
            writes += 1
            if writes == at_write:
                os.kill(os.getpid(), signal.SIGKILL)

    def commit(_conn: object) -> None:
        before(None, None, "COMMIT")

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "commit", commit)
    try:
        main(argv)
    finally:
        Path(count_file).write_text(str(writes), encoding="ascii")
