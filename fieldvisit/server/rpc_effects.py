"""What a desktop call sets off after it succeeded: the events other clients wait for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fieldvisit.domain.access import Actor
from fieldvisit.server.context import ServerContext
from fieldvisit.server.events import Event
from fieldvisit.server.publishing import publish_round, publish_safety

Effect = Callable[[ServerContext, Actor, Mapping[str, Any], Any], None]


def _round(kind: str) -> Effect:
    def effect(ctx: ServerContext, actor: Actor, args: Mapping[str, Any], _result: Any) -> None:
        publish_round(ctx, actor, kind, int(args["round_id"]))

    return effect


def _own_crew(actor: Actor) -> int | None:
    return min(actor.crew_ids) if len(actor.crew_ids) == 1 else None


def _checked_in(ctx: ServerContext, actor: Actor, args: Mapping[str, Any], result: Any) -> None:
    if result.delivered and result.session is not None:
        data = {"session_id": result.session.session_id, "visit_id": args["request"].visit_id}
        publish_safety(ctx, actor, "safety.checked_in", data, _own_crew(actor))


def _checked_out(ctx: ServerContext, actor: Actor, args: Mapping[str, Any], result: Any) -> None:
    if result.delivered:
        data = {"visit_id": args["request"].visit_id}
        publish_safety(ctx, actor, "safety.checked_out", data, _own_crew(actor))


def _sos(ctx: ServerContext, actor: Actor, args: Mapping[str, Any], _result: Any) -> None:
    data = {"session_id": args["session_id"], "kind": "sos"}
    publish_safety(ctx, actor, "alarm.raised", data, _own_crew(actor))


def _acknowledged(ctx: ServerContext, actor: Actor, args: Mapping[str, Any], _result: Any) -> None:
    data = {"session_id": args["session_id"], "kind": args["kind"].value, "by": actor.user_id}
    ctx.bus.publish(Event("alarm.acknowledged", data, team_id=actor.team_id))


def _deactivated(ctx: ServerContext, _actor: Actor, args: Mapping[str, Any], _result: Any) -> None:
    ctx.tokens.revoke_user(int(args["user_id"]))  # their open windows stop at the next call


EFFECTS: dict[str, Effect] = {
    "plan.rounds.submit": _round("round.submitted"),
    "plan.rounds.approve": _round("round.approved"),
    "plan.rounds.reject": _round("round.rejected"),
    "field.client.check_in": _checked_in,
    "field.client.check_out": _checked_out,
    "field.client.sos": _sos,
    "safety_response.acknowledge": _acknowledged,
    "user_admin.deactivate": _deactivated,
}


def after(
    ctx: ServerContext, actor: Actor, name: str, args: Mapping[str, Any], result: Any
) -> None:
    effect = EFFECTS.get(name)
    if effect is not None:
        effect(ctx, actor, args, result)
