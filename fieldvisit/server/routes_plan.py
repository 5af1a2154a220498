"""Planning a crew's day, and a round's way through submit, approve or reject."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from fieldvisit.domain.access import Permission, require
from fieldvisit.routing.budget import Budget
from fieldvisit.server.publishing import publish_round
from fieldvisit.server.schemas import Strict
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain
from fieldvisit.services.planning.day import DayRequest

router = APIRouter(prefix="/api/v1", tags=["rounds"])


class PlanDay(Strict):
    crew_id: int
    day: date
    case_ids: list[int] | None = Field(None, description="default: the crew's assigned cases")
    seconds: float = Field(2.0, gt=0, le=60, description="search time")
    seed: int = Field(0, ge=0)


class Decision(Strict):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/crews")
def crews(actor: Caller, ctx: Ctx) -> list[Any]:
    """The crews the caller may plan for."""
    result: list[Any] = plain(ctx.services.plan.rounds.crews(actor))
    return result


@router.post("/rounds/plan")
def plan_day(body: PlanDay, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """Optimise the crew's day and save it as a draft round (a new version if one exists)."""
    plan_services = ctx.services.plan
    request = DayRequest(
        body.crew_id, body.day, None if body.case_ids is None else tuple(body.case_ids)
    )
    budget = Budget(seconds=body.seconds, seed=body.seed)
    # The search runs in the solver wiring chose (a child process for the server), so one
    # long search never holds this process's interpreter lock against every other request.
    plan = plan_services.planning.optimise(actor, request, budget, planner=plan_services.solver)
    current = plan_services.rounds.current_version(body.crew_id, body.day)
    saved = plan_services.rounds.save_draft(actor, plan, current)
    return {"round": plain(saved), "plan": plain(plan)}


@router.get("/rounds/{round_id}")
def round_detail(round_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    result: dict[str, Any] = plain(ctx.services.plan.rounds.detail(actor, round_id))
    return result


@router.post("/rounds/{round_id}/submit")
def submit(round_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    saved = ctx.services.plan.rounds.submit(actor, round_id)
    publish_round(ctx, actor, "round.submitted", round_id)
    result: dict[str, Any] = plain(saved)
    return result


@router.post("/rounds/{round_id}/approve")
def approve(round_id: int, body: Decision, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    require(actor, Permission.APPROVE_ROUND)
    saved = ctx.services.plan.rounds.approve(actor, round_id, body.reason)
    publish_round(ctx, actor, "round.approved", round_id)
    result: dict[str, Any] = plain(saved)
    return result


@router.post("/rounds/{round_id}/reject")
def reject(round_id: int, body: Decision, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    require(actor, Permission.APPROVE_ROUND)
    saved = ctx.services.plan.rounds.reject(actor, round_id, body.reason)
    publish_round(ctx, actor, "round.rejected", round_id)
    result: dict[str, Any] = plain(saved)
    return result


@router.get("/approvals")
def approvals(actor: Caller, ctx: Ctx) -> list[Any]:
    """Submitted rounds awaiting the caller's decision."""
    result: list[Any] = plain(ctx.services.plan.rounds.queue(actor))
    return result
