"""Who is acting, looked up by user name, for the command line and the tests' separate processes."""

from __future__ import annotations

from sqlalchemy import select

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.field.store import SafetyDeps
from fieldvisit.storage import models as m


def actor_by_username(deps: SafetyDeps, username: str) -> Actor:
    with deps.session_factory() as s:
        user = s.scalars(
            select(m.User).where(m.User.username == username, m.User.active.is_(True))
        ).one_or_none()
        if user is None:
            raise NotFoundError("safety.error.no_user", username=username)
        crews = s.scalars(select(m.CrewMember.crew_id).where(m.CrewMember.user_id == user.id))
        return Actor(user.id, Role(user.role), user.team_id, frozenset(crews), user.display_name)
