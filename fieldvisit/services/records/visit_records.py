"""The Records screen and printing: search visit records, print one, a case's history, a binder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import NotFoundError, ValidationError
from fieldvisit.domain.records import PrintMeta, VisitRecordDoc, verification_code
from fieldvisit.i18n import translate
from fieldvisit.reports.documents import render_binder, render_case_history, render_visit_record
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.services.records.anchor import chain_head
from fieldvisit.services.records.documents import build_doc
from fieldvisit.services.records.local_days import team_zones, within_local_days
from fieldvisit.services.records.writing import RETENTION_FIELDS  # also guards stored records
from fieldvisit.storage import models as m

SEARCH_LIMIT = 500
__all__ = ["RETENTION_FIELDS", "RecordFilter", "RecordRow", "RecordsService"]
RowSelect = Select[m.VisitRecord, m.Case, str, str, str, int]
MAX_BINDER_DAYS = 366


@dataclass(frozen=True)
class RecordFilter:
    text: str = ""  # a case number, or part of one
    start: date | None = None
    end: date | None = None
    outcome: str | None = None
    team_id: int | None = None
    latest_only: bool = True


@dataclass(frozen=True)
class RecordRow:
    """One line of the Records screen; the debtor's name is masked unless the role sees it."""

    record_id: int
    version: int
    case_number: str
    debtor: str
    recorded_at: datetime
    team: str
    crew: str
    outcome_code: str
    code: str
    # The record's team's IANA zone: its time and day as the team lives them (a name, so the
    # team server can send it).
    timezone: str = "UTC"


class RecordsService:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    def search(self, actor: Actor, where: RecordFilter) -> list[RecordRow]:
        require(actor, Permission.PRINT_RECORDS)
        full = masking.sees_full_personal_data(actor)
        with self._sessions() as session:
            zones = team_zones(session)
            statement = _filtered(_base(actor), where, zones).limit(SEARCH_LIMIT)
            return [
                RecordRow(
                    r.id,
                    r.version,
                    case.case_number,
                    debtor if full else debtor[:1] + masking.MASK * max(len(debtor) - 1, 1),
                    r.recorded_at,
                    team,
                    crew,
                    r.outcome_code,
                    verification_code(r.id, r.content_hash),
                    zones[team_id].key,
                )
                for r, case, debtor, team, crew, team_id in session.execute(statement)
            ]

    def print_visit(self, actor: Actor, record_id: int, lang: str, purpose: str = "") -> bytes:
        docs, meta = self._docs(actor, [record_id], lang, "visit", purpose)
        if not docs:
            raise NotFoundError("error.records.not_found", record=record_id)
        return render_visit_record(docs[0], meta)

    def print_case(self, actor: Actor, case_number: str, lang: str, purpose: str = "") -> bytes:
        require(actor, Permission.PRINT_RECORDS)
        with self._sessions() as session:
            known = session.scalar(
                select(m.Case.id).where(m.Case.case_number == case_number.strip()).limit(1)
            )
        if known is None:
            # An empty history for a typo would look like a case that was never visited.
            raise NotFoundError("error.records.no_case", case=case_number)
        where = RecordFilter(text=case_number, latest_only=False)
        docs, meta = self._docs(actor, [where], lang, "case", purpose, exact_case=case_number)
        return render_case_history(case_number, docs, meta)

    def print_binder(
        self, actor: Actor, start: date, end: date, lang: str, purpose: str = ""
    ) -> bytes:
        if end < start or (end - start).days > MAX_BINDER_DAYS:
            raise ValidationError("error.records.bad_range", start=start, end=end)
        where = RecordFilter(start=start, end=end, latest_only=False)
        docs, meta = self._docs(actor, [where], lang, "binder", purpose)
        return render_binder(start, end, docs, meta)

    def _docs(
        self,
        actor: Actor,
        filters: Sequence[RecordFilter | int],
        lang: str,
        kind: str,
        purpose: str,
        exact_case: str | None = None,
    ) -> tuple[list[VisitRecordDoc], PrintMeta]:
        require(actor, Permission.PRINT_RECORDS)
        full = masking.sees_full_personal_data(actor)
        with self._sessions.begin() as session:
            rows = _rows(session, actor, filters, exact_case)
            docs = [build_doc(session, row, full=full, lang=lang) for row in rows]
            if full:
                _log_access(session, actor, rows, self._clock(), purpose or f"print {kind}")
            meta = PrintMeta(
                title=translate(f"records.print.title.{kind}", lang),
                printed_by=actor.display_name or f"#{actor.user_id}",
                printed_at=self._clock(),
                lang=lang,
                anchor=chain_head(session),
                subject=translate("records.print.subject", lang),
                keywords=("FieldVisit", kind),
                timezone=docs[0].timezone if docs else "UTC",
            )
        return docs, meta


def _base(actor: Actor) -> RowSelect:
    return (
        select(m.VisitRecord, m.Case, m.Debtor.name, m.Team.name, m.Crew.name, m.Team.id)
        .join(m.Visit, m.Visit.id == m.VisitRecord.visit_id)
        .join(m.Case, m.Case.id == m.Visit.case_id)
        .join(m.Debtor, m.Debtor.id == m.Case.debtor_id)
        .join(m.Crew, m.Crew.id == m.Visit.crew_id)
        .join(m.Team, m.Team.id == m.Crew.team_id)
        .where(visible_cases(actor))
        .order_by(m.VisitRecord.recorded_at, m.VisitRecord.id)
    )


def _filtered(
    statement: RowSelect, where: RecordFilter, zones: Mapping[int, ZoneInfo]
) -> RowSelect:
    if where.text.strip():
        statement = statement.where(m.Case.case_number.contains(where.text.strip()))
    if where.start is not None or where.end is not None:
        # A record's day is its team's local day: a New York team's 1 December is not Shanghai's.
        at = m.VisitRecord.recorded_at
        statement = statement.where(within_local_days(at, m.Team.id, zones, where.start, where.end))
    if where.outcome:
        statement = statement.where(m.VisitRecord.outcome_code == where.outcome)
    if where.team_id is not None:
        statement = statement.where(m.Team.id == where.team_id)
    if where.latest_only:
        newer = aliased(m.VisitRecord)
        statement = statement.where(
            ~select(newer.id).where(newer.supersedes_id == m.VisitRecord.id).exists()
        )
    return statement


def _rows(
    session: Session, actor: Actor, filters: Sequence[RecordFilter | int], exact_case: str | None
) -> list[m.VisitRecord]:
    rows: list[m.VisitRecord] = []
    zones = team_zones(session)
    for item in filters:
        statement = _base(actor)
        if isinstance(item, int):
            statement = statement.where(m.VisitRecord.id == item)
        else:
            statement = _filtered(statement, item, zones)
        if exact_case is not None:
            statement = statement.where(m.Case.case_number == exact_case)
        rows += [row.VisitRecord for row in session.execute(statement)]
    return rows


def _log_access(
    session: Session, actor: Actor, rows: list[m.VisitRecord], at: datetime, purpose: str
) -> None:
    """Unmasked personal data left the database: log who, when and why, once per debtor."""
    debtors = {
        session.get_one(m.Case, session.get_one(m.Visit, r.visit_id).case_id).debtor_id
        for r in rows
    }
    for debtor_id in sorted(debtors):
        session.add(
            m.AccessLog(user_id=actor.user_id, debtor_id=debtor_id, at=at, purpose=purpose[:200])
        )
