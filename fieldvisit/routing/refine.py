"""Least travel for a chosen visit set: the search again, every chosen visit required, no prizes.

A prize search weighs one unit of weight above any plan's travel, so once the weight is right
its moves are dominated by prizes and penalties of a size that hides travel: on generated
collector days of 17-30 visits, plans at 2 s were up to 29 % above the best known travel at equal
weight. With the visit set fixed the same engine solves a plain VRPTW (breaks included), where
it is strong (the Solomon regression), starting from the plan it must beat: its best feasible
solution is never worse than that start.
"""

from __future__ import annotations

import dataclasses

from fieldvisit.domain.progress import CancelCheck
from fieldvisit.routing import engine
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.construct import warm_start
from fieldvisit.routing.model import Problem, Route

# Starting penalty per second of time warp (and unit of excess load). The Solomon start (100,
# ``budget.INITIAL_PENALTY``) suits a search of thousands of iterations a second; this one runs a
# few hundred (breaks and several windows per visit make the model large), so PyVRP's penalty
# manager, which adapts every 500 iterations, never raised it: from a feasible start the search
# settled on plans a few seconds late and 20-30 % shorter, and the best feasible stayed the start.
# Generated medium days (17-30 visits), 0.5 s, travel against the start's: 100 -> 1.000,
# 300 -> 0.949, 1000 -> 0.948, 3000 -> 0.948, 10 000 -> 0.948, PyVRP's midpoint -> 0.949.
TRAVEL_PENALTY = 1000.0


def least_travel(
    problem: Problem, routes: dict[str, Route], budget: Budget, cancelled: CancelCheck | None
) -> dict[str, list[str]] | None:
    """Orders visiting exactly the routes' visits with the least travel found, or None."""
    by_id = {v.id: v for v in problem.visits}
    chosen = [by_id[s.visit] for r in routes.values() for s in r.stops]
    if not chosen:
        return None
    fixed = [dataclasses.replace(v, required=True) for v in chosen]
    warm = warm_start(problem, routes)
    # The start's break places must be among the model's: without them its breaks were dropped,
    # the start lacked a required break and the search never left it (medium days, 4 crews).
    built = engine.build(problem, fixed, hard_required=True, warm=warm)
    orders, feasible, _ = engine.run(
        built, budget, cancelled=cancelled, warm=warm, start_penalty=TRAVEL_PENALTY
    )
    return orders if feasible else None
