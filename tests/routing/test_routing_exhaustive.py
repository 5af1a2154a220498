"""On random small days (breaks, several windows, 1-2 crews) the planner equals brute force."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence

import pytest

from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.model import BreakRule, Crew, Interval, Problem, TravelMatrix, Visit
from fieldvisit.routing.planner import solve


def random_problem(seed: int, visits: int, crews: int) -> Problem:
    rng = random.Random(seed)
    points = [(rng.randint(0, 150), rng.randint(0, 150)) for _ in range(visits + 1)]
    seconds = [[math.ceil(math.dist(a, b)) for b in points] for a in points]
    made = []
    for i in range(1, visits + 1):
        cuts = sorted(rng.sample(range(0, 700, 10), 2 * rng.randint(1, 3)))
        windows = tuple(Interval(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))
        made.append(
            Visit(
                f"v{i}",
                i,
                rng.choice((20, 40, 60, 90)),
                windows,
                priority=rng.randint(0, 3),
                required=rng.random() < 0.3,
            )
        )
    team = []
    for k in range(crews):
        lunch = BreakRule(250, 450, 60) if rng.random() < 0.7 else None
        team.append(Crew(f"c{k}", 0, 0, Interval(0, 700), lunch, max_visits=rng.choice((None, 3))))
    return Problem(tuple(made), tuple(team), TravelMatrix.of(seconds))


def _timing_ok(problem: Problem, crew: Crew, order: Sequence[Visit]) -> bool:
    """Independent brute force: try the break in every gap, before or after the drive."""
    rule = crew.break_rule
    if rule is None:
        return _simulate(problem, crew, order, None)
    gaps = [(g, m) for g in range(len(order) + 1) for m in ("before", "after")]
    return any(_simulate(problem, crew, order, placement) for placement in gaps)


def _simulate(
    problem: Problem, crew: Crew, order: Sequence[Visit], placement: tuple[int, str] | None
) -> bool:
    rule, sec = crew.break_rule, problem.travel.seconds
    t, here = crew.shift.start, crew.start_location
    stops = [*order, None]
    for gap, visit in enumerate(stops):
        there = crew.end_location if visit is None else visit.location
        drive = sec[here][there]
        if placement is not None and placement[0] == gap:
            assert rule is not None
            if placement[1] == "after":
                t += drive
            begin = max(t, rule.earliest)
            if begin + rule.duration > rule.latest:
                return False
            t = begin + rule.duration + (drive if placement[1] == "before" else 0)
        else:
            t += drive
        if visit is not None:
            starts = [max(t, w.start) for w in visit.windows if w.end >= t]
            if not starts:
                return False
            t = min(starts) + visit.service
        here = there
    return t <= crew.shift.end


def _sequences(pool: Sequence[Visit], crew: Crew, problem: Problem) -> Iterator[tuple[Visit, ...]]:
    limit = len(pool) if crew.max_visits is None else min(crew.max_visits, len(pool))
    for size in range(limit + 1):
        for order in itertools.permutations(pool, size):
            if _timing_ok(problem, crew, order):
                yield order


def _score(problem: Problem, routes: Sequence[Sequence[Visit]]) -> tuple[int, int, int]:
    done = [v for r in routes for v in r]
    travel = 0
    for crew, route in zip(problem.crews, routes, strict=True):
        places = [crew.start_location, *(v.location for v in route), crew.end_location]
        travel += sum(problem.travel.seconds[a][b] for a, b in itertools.pairwise(places))
    return sum(v.required for v in done), sum(v.weight for v in done), -travel


def exhaustive_best(problem: Problem) -> tuple[int, int, int]:
    best = (-1, -1, 0)
    first = problem.crews[0]
    for a in _sequences(problem.visits, first, problem):
        if len(problem.crews) == 1:
            best = max(best, _score(problem, [a]))
            continue
        rest = [v for v in problem.visits if v not in a]
        for b in _sequences(rest, problem.crews[1], problem):
            best = max(best, _score(problem, [a, b]))
    return best


def plan_score(problem: Problem, seed: int) -> tuple[int, int, int]:
    plan = solve(problem, Budget(iterations=2000, seed=seed))
    assert check_plan(problem, plan) == []
    by_id = {v.id: v for v in problem.visits}
    routes = [[by_id[s.visit] for s in r.stops] for r in plan.routes]
    return _score(problem, routes)


@pytest.mark.parametrize("seed", range(30))
def test_one_crew_matches_exhaustive_search(seed: int) -> None:
    problem = random_problem(seed, visits=7, crews=1)
    assert plan_score(problem, seed) == exhaustive_best(problem)


@pytest.mark.parametrize("seed", range(100, 112))
def test_two_crews_match_exhaustive_search(seed: int) -> None:
    problem = random_problem(seed, visits=5, crews=2)
    assert plan_score(problem, seed) == exhaustive_best(problem)
