"""The case list, a case's detail (masked, or in full with a logged purpose), eligibility."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from fieldvisit.server.schemas import Strict
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain
from fieldvisit.services.cases.queries import CaseQuery, SortKey

router = APIRouter(prefix="/api/v1", tags=["cases"])
MAX_PAGE = 500


class Purpose(Strict):
    purpose: str = Field(min_length=1, max_length=200, description="why the full data is opened")


@router.get("/cases")
def list_cases(
    actor: Caller,
    ctx: Ctx,
    text: str = "",
    team_id: int | None = None,
    crew_id: int | None = None,
    state: str | None = None,
    eligible_on: date | None = None,
    sort: SortKey = SortKey.CASE_NUMBER,
    descending: bool = False,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """The cases the caller may see (their team's, or all for the roles that see all)."""
    query = CaseQuery(
        text=text,
        team_id=team_id,
        crew_id=crew_id,
        state=state,
        eligible_on=eligible_on,
        sort=sort,
        descending=descending,
    )
    cases = ctx.services.cases
    ids = cases.ids(actor, query)
    rows = cases.rows(actor, ids[offset : offset + limit])
    return {"total": len(ids), "offset": offset, "rows": plain(rows)}


@router.get("/cases/{case_id}")
def case_detail(case_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """One case with ID number, phone, addresses and coordinates masked."""
    result: dict[str, Any] = plain(ctx.services.case_details.detail(actor, case_id))
    return result


@router.post("/cases/{case_id}/full")
def case_full_detail(case_id: int, body: Purpose, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """Unmasked personal data, for the roles allowed it; the access is logged with its purpose."""
    result: dict[str, Any] = plain(
        ctx.services.case_details.full_detail(actor, case_id, body.purpose)
    )
    return result


@router.get("/cases/{case_ref}/eligibility")
def case_eligibility(
    case_ref: str, day: date, actor: Caller, ctx: Ctx, crew_id: int | None = None
) -> dict[str, Any]:
    """May this case be visited on ``day`` (by ``crew_id``)? Every rule's verdict, with source."""
    result: dict[str, Any] = plain(ctx.services.eligibility.for_case(actor, case_ref, day, crew_id))
    return result


@router.get("/eligibility")
def day_eligibility(day: date, crew_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """The day check of a crew: each of its assigned cases, eligible or why not."""
    result: dict[str, Any] = plain(ctx.services.eligibility.for_day(actor, day, crew_id))
    return result
