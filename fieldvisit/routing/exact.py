"""Exact plans for small days: the lexicographic optimum (required, weight, travel), proven.

Each crew's feasible visit sets come from ``exact_labels``; the best split of the visits among
the crews is then a max over disjoint sets. For the last crew that is a subset maximum over all
``2^n`` sets (a zeta transform); earlier crews are joined pairwise. A known plan (the heuristic's
start) prunes labels that cannot beat it, and a work limit keeps the attempt short: when it is
hit the caller falls back to the heuristic, so a day is never stuck here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fieldvisit.routing import exact_labels
from fieldvisit.routing.exact_labels import (
    Bound,
    CrewSets,
    Ints,
    Pool,
    WorkLimitError,
    crew_sets,
)
from fieldvisit.routing.model import Crew, Problem, Visit

# Visits (eligible for some crew) up to which an exact attempt is made, by number of crews. Past
# these the label work limit would almost always be hit, so the attempt is skipped. Measured on
# benchmarks/field_days.py days (2 cores): see docs/solve.md.
MAX_VISITS_BY_CREWS = {1: 22, 2: 16, 3: 10, 4: 8}
# Labels (summed over all crews' layers) allowed: about 1 million labels a second on one core.
LABEL_BUDGET = 800_000
# Disjoint pairs examined when joining two crews' sets (all but the last crew).
PAIR_BUDGET = 4_000_000


@dataclass(frozen=True)
class ExactResult:
    """The optimal visit orders per crew and their score (required, weight, -travel)."""

    orders: dict[str, list[str]]
    value: tuple[int, int, int]


def applies(problem: Problem, candidates: list[Visit]) -> bool:
    """Whether an exact attempt is worth making for this many visits and crews."""
    limit = MAX_VISITS_BY_CREWS.get(len(problem.crews), 0)
    return 0 < len(candidates) <= limit


def solve_exact(
    problem: Problem,
    candidates: list[Visit],
    known: tuple[int, int] = (0, 0),
    label_budget: int | None = None,
    crews: Sequence[Crew] | None = None,
    deadline: float | None = None,
) -> ExactResult | None:
    """The optimal orders for ``candidates``, or None when the work limit is hit.

    ``known`` = (required visits, weight) of a feasible plan: it only prunes the search.
    ``crews`` (default: all) limits the plan to some crews, as when polishing part of a plan.
    ``deadline`` (a ``time.perf_counter`` value) also ends the attempt: on a busy machine the
    work limit alone can take several times its usual second.
    """
    label_budget = LABEL_BUDGET if label_budget is None else label_budget
    pool = Pool.of(tuple(candidates))
    target = known[0] * pool.unit + known[1]
    crews = list(problem.crews if crews is None else crews)
    optimism = [exact_labels.optimism(problem, crew, pool) for crew in crews]
    try:
        sets: list[CrewSets] = []
        for index, crew in enumerate(crews):
            others = sum(optimism) - optimism[index]
            spent = sum(len(layer) for done in sets for layer in done.layers)
            bound = Bound(target, others, label_budget - spent, deadline)
            sets.append(crew_sets(problem, crew, pool, bound))
        picked = _best_split(pool, sets, _travel_unit(problem))
    except WorkLimitError:
        return None
    if picked is None:
        return None
    orders = {}
    for crew, crew_set, index in zip(crews, sets, picked, strict=True):
        orders[crew.id] = [pool.visits[j].id for j in crew_set.order(index)]
    return ExactResult(orders, _value(problem, crews, orders))


def _travel_unit(problem: Problem) -> int:
    """More than any plan's total travel, so one unit of score outweighs all travel."""
    top = problem.max_seconds()
    return top * (len(problem.visits) + 2 * len(problem.crews)) + 1


def _best_split(pool: Pool, sets: list[CrewSets], unit: int) -> list[int] | None:
    """Per crew, the index of its set in the best split (disjoint sets, highest total value)."""
    values = [pool.mask_scores(s.masks) * unit - s.travel for s in sets]
    # Join all crews but the last pairwise: (mask, value, per-crew set indices).
    joined_mask, joined_value = sets[0].masks, values[0]
    picks: list[Ints] = [np.arange(len(sets[0].masks), dtype=np.int64)]
    for crew_set, value in zip(sets[1:-1], values[1:-1], strict=True):
        if len(joined_mask) * len(crew_set.masks) > PAIR_BUDGET:
            raise WorkLimitError()
        left, right = np.nonzero((joined_mask[:, None] & crew_set.masks[None, :]) == 0)
        joined_mask = joined_mask[left] | crew_set.masks[right]
        joined_value = joined_value[left] + value[right]
        picks = [p[left] for p in picks] + [right]
        best = _best_per_mask(joined_mask, joined_value)
        joined_mask, joined_value = joined_mask[best], joined_value[best]
        picks = [p[best] for p in picks]
    if len(sets) == 1:
        top = int(np.argmax(joined_value))
        return [int(picks[0][top])]
    last_value, last_pick = _subset_max(len(pool.visits), sets[-1].masks, values[-1])
    full = (1 << len(pool.visits)) - 1
    rest = full ^ joined_mask
    total = joined_value + last_value[rest]
    total = np.where(last_pick[rest] >= 0, total, np.iinfo(np.int64).min)
    top = int(np.argmax(total))
    if last_pick[rest[top]] < 0:
        return None
    return [int(p[top]) for p in picks] + [int(last_pick[rest[top]])]


def _best_per_mask(masks: Ints, values: Ints) -> Ints:
    order = np.lexsort((-values, masks))
    first = np.ones(len(order), dtype=bool)
    first[1:] = masks[order][1:] != masks[order][:-1]
    return order[first]


def _subset_max(n: int, masks: Ints, values: Ints) -> tuple[Ints, Ints]:
    """For every set M of the n visits: the best value of a crew set inside M, and its index."""
    lowest = np.iinfo(np.int64).min // 4
    best = np.full(1 << n, lowest, dtype=np.int64)
    pick = np.full(1 << n, -1, dtype=np.int64)
    best[masks] = values  # one entry per mask: crew_sets keeps the least travel only
    pick[masks] = np.arange(len(masks), dtype=np.int64)
    for bit in range(n):
        size = 1 << bit
        view, where = best.reshape(-1, 2, size), pick.reshape(-1, 2, size)
        better = view[:, 0, :] > view[:, 1, :]
        view[:, 1, :] = np.where(better, view[:, 0, :], view[:, 1, :])
        where[:, 1, :] = np.where(better, where[:, 0, :], where[:, 1, :])
    return best, pick


def _value(
    problem: Problem, crews: Sequence[Crew], orders: dict[str, list[str]]
) -> tuple[int, int, int]:
    by_id = {v.id: v for v in problem.visits}
    required = weight = travel = 0
    for crew in crews:
        seconds = problem.travel_of(crew).seconds
        visits = [by_id[v] for v in orders[crew.id]]
        required += sum(v.required for v in visits)
        weight += sum(v.weight for v in visits)
        places = [crew.start_location, *(v.location for v in visits), crew.end_location]
        travel += sum(seconds[a][b] for a, b in itertools.pairwise(places))
    return required, weight, -travel
