"""Writing a ``fieldvisit solve`` solution document (spec/solve.md, version 1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fieldvisit.app.solve.contract_check import Checked, instant
from fieldvisit.app.solve.model import SolveProblem
from fieldvisit.domain.compliance import Violation
from fieldvisit.domain.enums import Severity
from fieldvisit.i18n import render, translate
from fieldvisit.routing import model as rm


def write_solution(
    problem: SolveProblem, checked: list[Checked], plan: rm.Plan, midnight: datetime
) -> dict[str, Any]:
    def hhmm(seconds: int) -> str:
        return f"{instant(midnight, seconds):%H:%M}"

    by_id = {c.visit.id: c for c in checked}
    sizes = {crew.id: len(crew.members) for crew in problem.crews}
    routes = [
        _route(problem, route, by_id, sizes[route.crew], midnight, hhmm)
        for route in plan.routes
        if route.stops or route.break_ is not None
    ]
    unscheduled = _unscheduled(problem, checked, plan)
    scheduled = [stop.visit for route in plan.routes for stop in route.stops]
    return {
        "version": 1,
        "routes": routes,
        "unscheduled": unscheduled,
        "summary": {
            "scheduled": len(scheduled),
            "unscheduled": len(unscheduled),
            "weight_scheduled": sum(1 + by_id[v].visit.priority for v in scheduled),
            "travel_seconds": sum(r.travel_seconds for r in plan.routes),
        },
        "optimal": plan.optimal,
    }


def _route(
    problem: SolveProblem,
    route: rm.Route,
    by_id: dict[str, Checked],
    size: int,
    midnight: datetime,
    hhmm: Any,
) -> dict[str, Any]:
    stops = []
    for stop in route.stops:
        verdict = by_id[stop.visit].verdicts[size]
        slot = verdict.check_slot(instant(midnight, stop.start))
        stops.append(
            {
                "visit": stop.visit,
                "arrive": hhmm(stop.arrive),
                "start": hhmm(stop.start),
                "end": hhmm(stop.end),
                "needs_approval": _entries(slot, Severity.APPROVE, problem.lang),
                "warnings": _entries(slot, Severity.WARN, problem.lang),
            }
        )
    out: dict[str, Any] = {
        "crew": route.crew,
        "depart": hhmm(route.depart),
        "return": hhmm(route.return_),
        "stops": stops,
    }
    if route.break_ is not None:
        out["break"] = {"start": hhmm(route.break_.start), "end": hhmm(route.break_.end)}
    out["travel_seconds"] = route.travel_seconds
    out["travel_meters"] = route.travel_meters
    return out


def _entries(
    violations: tuple[Violation, ...], severity: Severity, lang: str
) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for violation in violations:
        if violation.severity is severity and violation.rule not in seen:
            seen.add(violation.rule)
            out.append(
                {
                    "rule": violation.rule,
                    "message": render(violation.message, lang),
                    "source": violation.source.text(lang),
                }
            )
    return out


def _unscheduled(
    problem: SolveProblem, checked: list[Checked], plan: rm.Plan
) -> list[dict[str, Any]]:
    left_out = {u.visit: u.reasons for u in plan.unscheduled}
    out = []
    for item in checked:
        if not item.allowed_sizes():
            reasons = [_compliance_reason(v, problem.lang) for v in item.blocking()]
            out.append({"visit": item.visit.id, "reasons": reasons})
        elif item.visit.id in left_out:
            reasons = [
                {"rule": code, "severity": "plan", "message": translate(code, problem.lang)}
                for code in left_out[item.visit.id]
            ]
            out.append({"visit": item.visit.id, "reasons": reasons})
    return out


def _compliance_reason(violation: Violation, lang: str) -> dict[str, str]:
    return {
        "rule": violation.rule,
        "severity": violation.severity.value,
        "message": render(violation.message, lang),
        "source": violation.source.text(lang),
    }
