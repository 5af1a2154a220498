"""The users one can start a session as, and the Actor a chosen user acts as."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.records.local_days import viewer_zone
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class UserChoice:
    id: int
    username: str
    display_name: str
    role: Role
    team: str | None


class UserDirectory:
    """Active users and their actors; password login (issue 8) will sit in front of ``actor``."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def active_users(self) -> list[UserChoice]:
        statement = (
            select(m.User, m.Team.name)
            .outerjoin(m.Team, m.User.team_id == m.Team.id)
            .where(m.User.active)
            .order_by(m.User.role, m.User.username)
        )
        with self._session_factory() as session:
            return [
                UserChoice(u.id, u.username, u.display_name, Role(u.role), team)
                for u, team in session.execute(statement)
            ]

    def zone(self, team_id: int | None) -> ZoneInfo:
        """The zone a team reads times in (``None``: the organisation's; see viewer_zone)."""
        with self._session_factory() as session:
            return viewer_zone(session, team_id)

    def user_id(self, username: str) -> int:
        """The id of the user called ``username``, active or not."""
        with self._session_factory() as session:
            found = session.scalar(select(m.User.id).where(m.User.username == username))
        if found is None:
            raise NotFoundError("error.auth.no_user", user=username)
        return found

    def actor(self, user_id: int) -> Actor:
        """The Actor of an active user, with the crews they belong to."""
        with self._session_factory() as session:
            user = session.get(m.User, user_id)
            if user is None or not user.active:
                raise NotFoundError("error.users.not_active", user_id=user_id)
            crews = session.scalars(
                select(m.CrewMember.crew_id).where(m.CrewMember.user_id == user_id)
            )
            return Actor(
                user_id=user.id,
                role=Role(user.role),
                team_id=user.team_id,
                crew_ids=frozenset(crews),
                display_name=user.display_name,
            )
