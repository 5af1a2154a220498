"""Which cases an actor may see: the one rule every case query applies, enforced in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from fieldvisit.domain.access import Actor, Permission, allows, require
from fieldvisit.storage import models as m


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on ``cases``: everything, the actor's team only, or (no permission) refused.

    Collectors and managers see their own team; a team-bound actor without a team sees nothing.
    """
    if allows(actor, Permission.VIEW_ALL_CASES):
        return true()
    require(actor, Permission.VIEW_TEAM_CASES)
    if actor.team_id is None:
        return false()
    return m.Case.team_id == actor.team_id
