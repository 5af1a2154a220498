"""Reading cases for lists and screens; hands plain rows to the UI, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from fieldvisit.storage import models as m


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


class CaseQueries:
    """Read-only case queries, one short session per call."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def count(self) -> int:
        with self._session_factory() as session:
            return int(session.scalar(select(func.count()).select_from(m.Case)) or 0)

    def page(self, offset: int, limit: int) -> list[CaseRow]:
        home = aliased(m.Address)
        statement = (
            select(m.Case, m.Debtor.name, home.district, m.Team.name, m.Crew.name)
            .join(m.Debtor, m.Case.debtor_id == m.Debtor.id)
            .outerjoin(home, (home.debtor_id == m.Debtor.id) & home.is_primary)
            .outerjoin(m.Team, m.Case.team_id == m.Team.id)
            .outerjoin(m.Crew, m.Case.crew_id == m.Crew.id)
            .order_by(m.Case.id)
            .offset(offset)
            .limit(limit)
        )
        with self._session_factory() as session:
            return [
                CaseRow(
                    case.id,
                    case.case_number,
                    debtor,
                    case.state,
                    case.days_past_due,
                    case.amount_overdue,
                    district,
                    team,
                    crew,
                )
                for case, debtor, district, team, crew in session.execute(statement)
            ]
