"""Queries and bulk writes of the import: batched look-ups and Core executemany inserts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, String, any_, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from fieldvisit.storage import models as m
from fieldvisit.storage.base import Base

# Well below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
CHUNK = 900
T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def among(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL one array parameter, so the query text stays short."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def creditor_id(session: Session, code: str) -> int | None:
    return session.scalar(select(m.Creditor.id).where(m.Creditor.code == code))


def create_creditor(session: Session, code: str, name: str) -> int:
    creditor = m.Creditor(code=code, name=name)
    session.add(creditor)
    session.flush()
    return creditor.id


def creditor_codes(session: Session) -> list[str]:
    return list(session.scalars(select(m.Creditor.code).order_by(m.Creditor.code)))


def team_ids(session: Session) -> dict[str, int]:
    """Teams by code and by name, so a file may use either."""
    found: dict[str, int] = {}
    for team_id, code, name in session.execute(select(m.Team.id, m.Team.code, m.Team.name)):
        found[name] = team_id
        found[code] = team_id
    return found


CASE_COLUMNS = (
    m.Case.id, m.Case.case_number, m.Case.debtor_id, m.Case.amount_overdue, m.Case.principal,
    m.Case.days_past_due, m.Case.state, m.Case.team_id, m.Case.placed_on, m.Case.product,
    m.Case.flags, m.Debtor.name, m.Debtor.id_number, m.Debtor.phone,
)  # fmt: skip


def team_zones(session: Session) -> dict[int, str]:
    """Every team's IANA zone by team id."""
    return {row.id: row.timezone for row in session.execute(select(m.Team.id, m.Team.timezone))}


def case_zones(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """case id → the zone its day is lived in: its team's, else its debtor's primary address's."""
    found: dict[int, str] = {}
    for part in chunks(list(case_ids)):
        statement = (
            select(m.Case.id, m.Team.timezone, m.Address.timezone)
            .outerjoin(m.Team, m.Team.id == m.Case.team_id)
            .outerjoin(m.Address, (m.Address.debtor_id == m.Case.debtor_id) & m.Address.is_primary)
            .where(m.Case.id.in_(part))
        )
        for case_id, team_zone, address_zone in session.execute(statement):
            zone = team_zone or address_zone
            if zone:
                found[case_id] = zone
    return found


def cases_by_number(session: Session, creditor: int, numbers: Sequence[str]) -> dict[str, Any]:
    """The creditor's cases with these numbers, with their debtor's fields, in batched selects."""
    found: dict[str, Any] = {}
    for part in chunks(numbers):
        statement = (
            select(*CASE_COLUMNS)
            .join(m.Debtor, m.Debtor.id == m.Case.debtor_id)
            .where(m.Case.creditor_id == creditor, among(session, m.Case.case_number, part))
        )
        for row in session.execute(statement):
            found[row.case_number] = row
    return found


def case_keys(
    session: Session, creditor: int, numbers: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """case number → (case id, debtor id) for the creditor's cases with these numbers."""
    found: dict[str, tuple[int, int]] = {}
    for part in chunks(numbers):
        statement = select(m.Case.case_number, m.Case.id, m.Case.debtor_id).where(
            m.Case.creditor_id == creditor, among(session, m.Case.case_number, part)
        )
        for number, case_id, debtor_id in session.execute(statement):
            found[number] = (case_id, debtor_id)
    return found


def debtors_by_id_number(session: Session, id_numbers: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(id_numbers):
        statement = select(m.Debtor.id_number, func.min(m.Debtor.id)).where(
            among(session, m.Debtor.id_number, part)
        )
        for id_number, debtor_id in session.execute(statement.group_by(m.Debtor.id_number)):
            if id_number is not None:
                found[id_number] = debtor_id
    return found


def addresses_of(session: Session, debtor_ids: Sequence[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for part in chunks(debtor_ids):
        statement = (
            select(m.Address.id, m.Address.debtor_id, m.Address.kind, m.Address.text)
            .where(m.Address.debtor_id.in_(part))
            .order_by(m.Address.id)
        )
        for row in session.execute(statement):
            found.setdefault(row.debtor_id, []).append(row)
    return found


def existing_external_ids(
    session: Session, model: type[m.Contact] | type[m.Payment], ids: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    for part in chunks(ids):
        found.update(
            value
            for value in session.scalars(
                select(model.external_id).where(among(session, model.external_id, part))
            )
            if value is not None
        )
    return found


def case_and_debtor_ids(
    session: Session, creditor_id: int, case_numbers: Sequence[str]
) -> list[tuple[int, int]]:
    """(case id, debtor id) of the creditor's cases with these numbers."""
    found: list[tuple[int, int]] = []
    for part in chunks(case_numbers, 5000):
        rows = session.execute(
            select(m.Case.id, m.Case.debtor_id).where(
                m.Case.creditor_id == creditor_id, among(session, m.Case.case_number, part)
            )
        )
        found.extend((int(a), int(b)) for a, b in rows)
    return found


def insert_rows(
    session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Insert ``rows`` and return their new ids in order."""
    # Core on the table, not the ORM bulk path: the same SQL at a fraction of the Python cost.
    table: Any = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        # Ids drawn from the sequence up front, then one pipelined executemany: psycopg parses a
        # 1,000-row multi-VALUES statement far more slowly than it sends 1,000 small ones.
        sequence = text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                        "FROM generate_series(1, :n)")  # fmt: skip
        ids = list(session.scalars(sequence, {"n": len(rows)})) if rows else []
        insert_plain(session, model, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
        return ids
    connection = session.connection()
    ids = []
    for part in chunks(rows, 5000):
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        ids.extend(connection.execute(statement, list(part)).scalars())
    return ids


def insert_plain(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` without reading ids back: a plain executemany (pipelined by psycopg)."""
    table: Any = model.__table__
    connection = session.connection()
    for part in chunks(rows, 5000):
        connection.execute(table.insert(), list(part))


def update_by_id(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key; each dict holds ``id`` and the changed columns."""
    table: Any = model
    by_columns: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for group in by_columns.values():
        session.execute(update(table), group)


def saved_mapping(
    session: Session, creditor: int | None, kind: str, name: str
) -> dict[str, str] | None:
    row = session.scalar(
        select(m.ColumnMapping.mapping).where(
            m.ColumnMapping.creditor_id == creditor,
            m.ColumnMapping.kind == kind,
            m.ColumnMapping.name == name,
        )
    )
    return None if row is None else {str(k): str(v) for k, v in row.items()}


def save_mapping(
    session: Session,
    creditor: int | None,
    kind: str,
    name: str,
    mapping: Mapping[str, str],
    at: datetime,
) -> None:
    existing = session.scalar(
        select(m.ColumnMapping).where(
            m.ColumnMapping.creditor_id == creditor,
            m.ColumnMapping.kind == kind,
            m.ColumnMapping.name == name,
        )
    )
    if existing is None:
        session.add(
            m.ColumnMapping(
                creditor_id=creditor, kind=kind, name=name, mapping=dict(mapping), updated_at=at
            )
        )
    else:
        existing.mapping = dict(mapping)
        existing.updated_at = at
    session.flush()


def mapping_names(session: Session, creditor: int | None, kind: str) -> list[str]:
    statement = select(m.ColumnMapping.name).where(
        m.ColumnMapping.creditor_id == creditor, m.ColumnMapping.kind == kind
    )
    return sorted(session.scalars(statement))


def last_import_at(session: Session, kind: str, creditor: int | None = None) -> datetime | None:
    """When a file of ``kind`` was last imported; failed imports leave no batch behind."""
    statement = select(func.max(m.ImportBatch.imported_at)).where(m.ImportBatch.kind == kind)
    if creditor is not None:
        statement = statement.where(m.ImportBatch.creditor_id == creditor)
    return session.scalar(statement)


def add_batch(session: Session, **values: Any) -> m.ImportBatch:
    batch = m.ImportBatch(**values)
    session.add(batch)
    session.flush()
    return batch
