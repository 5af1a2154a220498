"""The beam construction builds legal one-crew days that beat the greedy start."""

from __future__ import annotations

import pytest

from fieldvisit.routing.beam import beam_day
from fieldvisit.routing.construct import insert_greedily
from fieldvisit.routing.schedule import fits
from tests.routing.test_routing_exhaustive import random_problem


@pytest.mark.parametrize("seed", range(5))
def test_beam_day_is_legal_and_no_lighter_than_greedy(seed: int) -> None:
    problem = random_problem(seed, visits=12, crews=1)
    crew = problem.crews[0]
    day = beam_day(problem, crew, problem.visits, density=0.01)
    assert fits(problem, crew, day)
    greedy = insert_greedily(problem, {}, problem.visits)[crew.id]
    assert sum(v.weight for v in day) >= sum(problem.visit(v).weight for v in greedy)


def test_beam_day_is_deterministic() -> None:
    problem = random_problem(5, visits=15, crews=1)
    crew = problem.crews[0]
    assert beam_day(problem, crew, problem.visits, 0.01) == beam_day(
        problem, crew, problem.visits, 0.01
    )
