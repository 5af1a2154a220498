"""Who a command acts as: the user named with ``--user``, or a sensible default for the command."""

from __future__ import annotations

from collections.abc import Callable

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.admin.users import UserDirectory


def acting_user(users: UserDirectory, username: str | None, default: Callable[[], Actor]) -> Actor:
    """The active user called ``username``; without a name, ``default()``."""
    if username is None:
        return default()
    for user in users.active_users():
        if user.username == username:
            return users.actor(user.id)
    raise NotFoundError("eligibility.error.no_user", user=username)


def team_manager(users: UserDirectory, team_id: int) -> Actor:
    """The first active manager of ``team_id`` (commands a manager runs for the team)."""
    for user in users.active_users():
        if user.role is Role.MANAGER:
            actor = users.actor(user.id)
            if actor.team_id == team_id:
                return actor
    raise NotFoundError("cli.error.no_manager", team=team_id)


def first_member(users: UserDirectory, members: frozenset[int], crew_id: int) -> Actor:
    """The crew's first member, as a collector plans for their own crew."""
    if not members:
        raise NotFoundError("round.error.no_crew", crew=crew_id)
    return users.actor(min(members))
