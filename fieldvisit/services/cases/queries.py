"""Case lists: the ids of a search, filter and sort, then rows a page at a time, as plain data."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.domain.enums import CaseState
from fieldvisit.domain.errors import ValidationError
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.storage import models as m

# Days-past-due buckets as the collection industry reports them (M1, M2, M3, M4-6, M7-12, M12+).
DPD_BUCKETS: dict[str, tuple[int, int | None]] = {
    "0-30": (0, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91-180": (91, 180),
    "181-360": (181, 360),
    "361+": (361, None),
}
MAX_SEARCH_LENGTH = 100


class SortKey(StrEnum):
    CASE_NUMBER = "case_number"
    DEBTOR = "debtor_name"
    STATE = "state"
    DAYS_PAST_DUE = "days_past_due"
    AMOUNT = "amount_overdue"
    DISTRICT = "district"
    TEAM = "team"
    CREW = "crew"


# Sort keys that come from an outer join or a nullable column.
_NULLABLE = frozenset({SortKey.DISTRICT, SortKey.TEAM, SortKey.CREW})


@dataclass(frozen=True)
class CaseQuery:
    """A search of the case list; empty fields do not filter."""

    text: str = ""
    team_id: int | None = None
    crew_id: int | None = None
    state: str | None = None
    dpd_bucket: str | None = None
    has_location: bool | None = None
    eligible_on: date | None = None
    sort: SortKey = SortKey.CASE_NUMBER
    descending: bool = False

    def __post_init__(self) -> None:
        if len(self.text) > MAX_SEARCH_LENGTH:
            raise ValidationError("error.cases.search_too_long", limit=MAX_SEARCH_LENGTH)
        if self.dpd_bucket is not None and self.dpd_bucket not in DPD_BUCKETS:
            raise ValidationError("error.cases.bad_bucket", bucket=self.dpd_bucket)
        if self.state is not None and self.state not in set(CaseState):
            raise ValidationError("error.cases.bad_state", state=self.state)


class EligibilityFilter(Protocol):
    """The compliance engine's answer to "which of these cases may ``actor`` visit on ``day``"."""

    def __call__(self, actor: Actor, case_ids: Sequence[int], day: date, /) -> Collection[int]: ...


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_number: str
    debtor_name: str
    state: str
    days_past_due: int
    amount_overdue: Decimal
    district: str | None
    team: str | None
    crew: str | None
    located: bool


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    parent_id: int | None = None  # a crew's team


@dataclass(frozen=True)
class FilterOptions:
    teams: tuple[Choice, ...]
    crews: tuple[Choice, ...]


class CaseQueries:
    """Read-only case queries for an actor, one short session per call."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        eligibility: EligibilityFilter | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._eligibility = eligibility

    @property
    def supports_eligibility(self) -> bool:
        return self._eligibility is not None

    def count(self, actor: Actor) -> int:
        statement = select(func.count()).select_from(m.Case).where(visible_cases(actor))
        with self._session_factory() as session:
            return int(session.scalar(statement) or 0)

    def ids(self, actor: Actor, query: CaseQuery, limit: int | None = None) -> list[int]:
        """The ids of the matching cases the actor may see, in the query's order.

        ``limit`` gives the first ids quickly (the first screen) before the whole list is ready;
        it is ignored with an eligibility date, which needs every candidate.
        """
        with self._session_factory() as session:
            # SQLite's LIKE ignores ASCII case already; lower() on every row would double the scan.
            fold = session.get_bind().dialect.name != "sqlite"
            statement = _sorted(_filtered(select(m.Case.id), actor, query, fold), query)
            if limit is not None and query.eligible_on is None:
                statement = statement.limit(limit)
            result = session.connection().execute(statement)
            # Plain ints straight from the driver: ORM rows cost twice the query at 100k ids.
            found = [case_id for (case_id,) in result.cursor.fetchall()]
            result.close()
        if query.eligible_on is None:
            return found
        if self._eligibility is None:
            raise ValidationError("error.cases.no_eligibility")
        allowed = set(self._eligibility(actor, found, query.eligible_on))
        return [case_id for case_id in found if case_id in allowed]

    def rows(self, actor: Actor, ids: Sequence[int]) -> list[CaseRow]:
        """Rows for ``ids`` in the same order; ids the actor may not see are left out."""
        home = aliased(m.Address)
        statement = (
            select(m.Case, m.Debtor.name, home.district, home.lat, m.Team.name, m.Crew.name)
            .join(m.Debtor, m.Case.debtor_id == m.Debtor.id)
            .outerjoin(home, (home.debtor_id == m.Debtor.id) & home.is_primary)
            .outerjoin(m.Team, m.Case.team_id == m.Team.id)
            .outerjoin(m.Crew, m.Case.crew_id == m.Crew.id)
            .where(m.Case.id.in_(list(ids)), visible_cases(actor))
        )
        with self._session_factory() as session:
            by_id = {
                case.id: CaseRow(
                    case.id,
                    case.case_number,
                    debtor,
                    case.state,
                    case.days_past_due,
                    case.amount_overdue,
                    district,
                    team,
                    crew,
                    lat is not None,
                )
                for case, debtor, district, lat, team, crew in session.execute(statement)
            }
        return [by_id[case_id] for case_id in ids if case_id in by_id]

    def filter_options(self, actor: Actor) -> FilterOptions:
        """The teams and crews the actor can filter by (only their own team when team-bound)."""
        teams_statement = select(m.Team.id, m.Team.name).order_by(m.Team.name)
        if not allows(actor, Permission.VIEW_ALL_CASES):
            visible_cases(actor)  # refuses an actor who may see no cases at all
            teams_statement = teams_statement.where(m.Team.id == actor.team_id)
        with self._session_factory() as session:
            teams = session.execute(teams_statement).all()
            visible = {team_id for team_id, _ in teams}
            crews = session.execute(
                select(m.Crew.id, m.Crew.name, m.Crew.team_id)
                .where(m.Crew.team_id.in_(visible), m.Crew.active)
                .order_by(m.Crew.name)
            ).all()
        return FilterOptions(
            tuple(Choice(i, n) for i, n in teams), tuple(Choice(i, n, t) for i, n, t in crews)
        )


def _filtered(
    statement: Select[Any], actor: Actor, query: CaseQuery, fold_case: bool
) -> Select[Any]:
    statement = statement.where(visible_cases(actor))
    if query.text.strip():
        statement = statement.where(_matches(query.text.strip(), fold_case))
    if query.team_id is not None:
        statement = statement.where(m.Case.team_id == query.team_id)
    if query.crew_id is not None:
        statement = statement.where(m.Case.crew_id == query.crew_id)
    if query.state is not None:
        statement = statement.where(m.Case.state == query.state)
    if query.dpd_bucket is not None:
        low, high = DPD_BUCKETS[query.dpd_bucket]
        statement = statement.where(m.Case.days_past_due >= low)
        if high is not None:
            statement = statement.where(m.Case.days_past_due <= high)
    if query.has_location is not None:
        located = exists().where(
            m.Address.debtor_id == m.Case.debtor_id,
            m.Address.is_primary,
            m.Address.lat.is_not(None),
        )
        statement = statement.where(located if query.has_location else ~located)
    return statement


def _matches(text: str, fold_case: bool) -> ColumnElement[bool]:
    """Case number, debtor name or phone, or any of the debtor's addresses contains ``text``."""

    def has(column: Any) -> ColumnElement[bool]:
        if fold_case:
            return column.icontains(text, autoescape=True)  # type: ignore[no-any-return]
        return column.contains(text, autoescape=True)  # type: ignore[no-any-return]

    debtors = select(m.Debtor.id).where(or_(has(m.Debtor.name), has(m.Debtor.phone)))
    places = select(m.Address.debtor_id).where(has(m.Address.text))
    return or_(
        has(m.Case.case_number),
        m.Case.debtor_id.in_(debtors),
        m.Case.debtor_id.in_(places),
    )


def _sorted(statement: Select[Any], query: CaseQuery) -> Select[Any]:
    key: Any
    if query.sort is SortKey.DEBTOR:
        statement = statement.join(m.Debtor, m.Case.debtor_id == m.Debtor.id)
        key = m.Debtor.name
    elif query.sort is SortKey.DISTRICT:
        home = aliased(m.Address)
        statement = statement.outerjoin(
            home, (home.debtor_id == m.Case.debtor_id) & home.is_primary
        )
        key = home.district
    elif query.sort is SortKey.TEAM:
        statement = statement.outerjoin(m.Team, m.Case.team_id == m.Team.id)
        key = m.Team.name
    elif query.sort is SortKey.CREW:
        statement = statement.outerjoin(m.Crew, m.Case.crew_id == m.Crew.id)
        key = m.Crew.name
    else:
        key = getattr(m.Case, query.sort.value)
    ordered = key.desc() if query.descending else key.asc()
    # The id keeps the order stable, so pages never shift between two fetches.
    tie = m.Case.id.desc() if query.descending else m.Case.id.asc()
    if query.sort in _NULLABLE:
        # NULLs last in both directions and on both databases.
        return statement.order_by(key.is_(None), ordered, tie)
    return statement.order_by(ordered, tie)
