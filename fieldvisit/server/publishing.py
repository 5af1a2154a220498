"""Events of the actions the API performs, stamped with the team they concern."""

from __future__ import annotations

from typing import Any

from fieldvisit.domain.access import Actor
from fieldvisit.server.context import ServerContext
from fieldvisit.server.events import Event


def crew_team(ctx: ServerContext, actor: Actor, crew_id: int) -> int | None:
    """The team of ``crew_id`` as the acting user sees it (crews do not change team mid-day)."""
    if crew_id not in ctx.crew_teams:
        options = ctx.services.cases.filter_options(actor)
        for crew in options.crews:
            ctx.crew_teams[crew.id] = crew.parent_id
    return ctx.crew_teams.get(crew_id, actor.team_id)


def publish_round(ctx: ServerContext, actor: Actor, kind: str, round_id: int) -> None:
    detail = ctx.services.plan.rounds.detail(actor, round_id)
    data: dict[str, Any] = {
        "round_id": round_id,
        "crew_id": detail.crew_id,
        "plan_date": detail.plan_date.isoformat(),
        "status": detail.status.value,
        "by": actor.user_id,
    }
    team = crew_team(ctx, actor, detail.crew_id)
    ctx.bus.publish(Event(kind, data, team_id=team, crew_id=detail.crew_id))


def publish_safety(
    ctx: ServerContext, actor: Actor, kind: str, data: dict[str, Any], crew_id: int | None
) -> None:
    team = actor.team_id if crew_id is None else crew_team(ctx, actor, crew_id)
    ctx.bus.publish(Event(kind, data | {"by": actor.user_id}, team_id=team, crew_id=crew_id))
