"""Large days planned by parts: assignment, part size, borders, reasons and the deadline."""

from __future__ import annotations

from fieldvisit.routing import decompose
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.checker import check_plan
from fieldvisit.routing.model import NO_SLOT, Problem
from fieldvisit.routing.planner import solve
from tests.routing.factories import crew, problem, visit

CREWS = 6


def _team_day(count: int = 420) -> Problem:
    """Crews spread along a line, visits around them, one lunch break each, all optional."""
    bases = [300 * k for k in range(CREWS)]
    positions = bases + [(37 * i) % (300 * CREWS) for i in range(count)]
    visits = [
        visit(f"v{i}", CREWS + i, (0, 1300), service=100, priority=(13 * i) % 101)
        for i in range(count)
    ]
    crews = [crew(f"c{k}", start=k, shift=(0, 1500), lunch=(500, 1000, 100)) for k in range(CREWS)]
    return problem(visits, crews, positions)


def test_large_days_are_planned_by_parts_and_small_ones_are_not() -> None:
    assert decompose.applies(_team_day(decompose.SPLIT_VISITS + 1))
    assert not decompose.applies(_team_day(decompose.SPLIT_VISITS))


def test_a_large_day_yields_a_checked_plan_with_the_split_phases() -> None:
    day = _team_day()
    phases: list[str] = []
    plan = solve(day, Budget(iterations=30), on_phase=lambda name, _: phases.append(name))
    assert check_plan(day, plan) == []
    assert phases[:2] == ["screen", "split"]
    assert phases[-2:] == ["borders", "output"]
    assert phases.count("search") >= 2  # one search per part
    assert len(plan.scheduled_ids()) > 4 * CREWS


def test_a_large_day_is_deterministic_with_an_iteration_budget() -> None:
    day = _team_day()
    first = solve(day, Budget(iterations=30, seed=3))
    again = solve(day, Budget(iterations=30, seed=3))
    assert first == again


def test_parts_respect_their_size_limits() -> None:
    day = _team_day()
    near = decompose._nearest_crews(day)
    owner = {v: crews[0] for v, crews in near.items()}
    candidates = [v for v in day.visits if v.id in near]
    parts = decompose._group(day, candidates, owner)
    assert sorted(c.id for crews, _ in parts for c in crews) == sorted(c.id for c in day.crews)
    for crews, visits in parts:
        assert len(crews) <= decompose.PART_CREWS
        assert len(visits) <= decompose.PART_VISITS or len(crews) == 1
        assert {owner[v.id] for v in visits} <= {c.id for c in crews}


def test_each_visit_goes_to_a_crew_that_can_make_it_alone() -> None:
    day = _team_day()
    near = decompose._nearest_crews(day)
    assert len(near) == len(day.visits)
    for crews in near.values():
        assert 1 <= len(crews) <= decompose.NEIGHBOURS


def test_a_visit_nobody_can_reach_is_reported_without_a_slot() -> None:
    day = _team_day()
    late = visit("late", CREWS, (1490, 1500), service=50)
    day = Problem((*day.visits, late), day.crews, day.travel)
    plan = solve(day, Budget(iterations=10))
    reasons = {u.visit: u.reasons for u in plan.unscheduled}
    assert reasons["late"] == (NO_SLOT,)


class _TickingClock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_large_day_keeps_to_one_deadline() -> None:
    clock = _TickingClock(0.002)
    day = _team_day()
    plan = solve(day, Budget(seconds=2.0), clock=clock)
    assert check_plan(day, plan) == []
    assert clock.now <= 2.0 + 0.3


def test_a_pinned_visit_stays_with_its_crew_on_a_large_day() -> None:
    day = _team_day()
    far = CREWS + 28  # position 1036, nearer c3 and c4 than c5 (at 1500): costly for c5
    pinned = visit(
        "pin", far, (0, 1300), service=100, required=True, pinned_crew="c5", pinned_position=0
    )
    day = Problem((*day.visits, pinned), day.crews, day.travel)
    plan = solve(day, Budget(iterations=10))
    route = next(r for r in plan.routes if r.crew == "c5")
    assert "pin" in [s.visit for s in route.stops]
