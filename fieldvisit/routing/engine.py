"""PyVRP adapter: routing problem to PyVRP data, search, and visit orders read back."""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyvrp
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours

from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.routing.budget import (
    INITIAL_PENALTY,
    Budget,
    Clock,
    SearchStop,
    history_length,
    restart_after,
)
from fieldvisit.routing.model import Crew, Problem, Visit

Orders = dict[str, list[str]]  # crew id -> visit ids in route order

# ``_solve`` replays pyvrp.solve's internals step by step: the PyVRP minor version they match (kept
# in step with setup.cfg; a test fails when the installed version differs).
PYVRP_MINOR = "0.14"
# Independent searches per run, each in its own thread from its own seed; the best is kept. PyVRP
# releases the interpreter lock while it searches, so on two cores both run at full speed (large
# generated day, 2 s: 4,370 iterations alone, 4,217 and 4,200 side by side).
SEARCHES = 2
SEED_STRIDE = 1_000_003


@dataclass
class _Built:
    data: ProblemData
    client_visit: list[str | None] = field(default_factory=list)  # None = a break stop
    client_window: list[int] = field(default_factory=list)
    # (crew id, place) -> index of the crew's break stop at that place
    break_client: dict[tuple[str, int], int] = field(default_factory=dict)
    type_crews: list[list[str]] = field(default_factory=list)


def travel_bound(problem: Problem) -> int:
    """An upper bound on any plan's total travel seconds; makes the objective lexicographic."""
    top = problem.max_seconds()
    return top * (len(problem.visits) + 2 * len(problem.crews)) + 1


def prizes(problem: Problem, visits: Sequence[Visit], hard_required: bool) -> dict[str, int]:
    """Prize per visit so that required > weight > travel in PyVRP's single objective.

    One unit of weight is worth more than any plan's travel, and one required visit more than
    all weights together; with ``hard_required`` PyVRP enforces required visits itself instead.
    """
    unit = travel_bound(problem)
    heavy = unit * (sum(v.weight for v in visits) + 1)
    out: dict[str, int] = {}
    for visit in visits:
        if visit.required:
            out[visit.id] = 0 if hard_required else heavy + unit * visit.weight
        else:
            out[visit.id] = unit * visit.weight
    return out


def _dimensions(problem: Problem, visits: Sequence[Visit]) -> list[frozenset[str]]:
    """Load dimensions that restrict who serves what: one per distinct allowed crew set."""
    everyone = frozenset(c.id for c in problem.crews)
    sets = {_allowed(problem, v) for v in visits}
    sets |= {frozenset({c.id}) for c in problem.crews if c.break_rule is not None}
    return sorted((s for s in sets if s != everyone), key=sorted)


def _allowed(problem: Problem, visit: Visit) -> frozenset[str]:
    return frozenset(c.id for c in problem.crews if problem.may_serve(c, visit))


def _capacity(
    crew: Crew, dims: list[frozenset[str]], limit: int, flags: tuple[bool, bool]
) -> list[int]:
    caps = [limit if crew.id in d else 0 for d in dims]
    if flags[0]:
        caps.append(limit if crew.max_visits is None else crew.max_visits)
    if flags[1]:
        caps.append(crew.capacity if crew.capacity is not None else 2**40)
    return caps


# Break stops per crew at most: the model then grows with crews, not with crews x visits.
BREAK_PLACES = 12
# Qualifying places nearest the crew's start among which the sampled break places are spread.
BREAK_POOL = 48


def _break_places(
    problem: Problem, crew: Crew, visits: Sequence[Visit], keep: int | None = None
) -> list[int]:
    """Places where the break may be taken: depots and the places of visits it can neighbour.

    Putting the break stop on a visit's own place makes the drive around it exact: zero travel to
    it, then the normal drive on. A visit only qualifies when the break could come right before or
    right after it within the break window. Beyond ``BREAK_PLACES`` a spread sample of them is
    kept (plus ``keep``, the warm start's place): a break away from its neighbours costs the
    search a small detour that the exact timing afterwards does not pay.
    """
    rule = crew.break_rule
    assert rule is not None
    fixed = {crew.start_location, crew.end_location} | ({keep} if keep is not None else set())
    places: set[int] = set()
    for visit in visits:
        if not problem.may_serve(crew, visit):
            continue
        before = any(rule.earliest + rule.duration <= w.end for w in visit.windows)
        after = any(w.start + visit.service <= rule.latest - rule.duration for w in visit.windows)
        if before or after:
            places.add(visit.location)
    if len(places | fixed) <= BREAK_PLACES:
        return sorted(places | fixed)
    return sorted(fixed | _spread(problem, crew, places - fixed, BREAK_PLACES - len(fixed)))


def _spread(problem: Problem, crew: Crew, places: set[int], count: int) -> set[int]:
    """``count`` of ``places`` near the crew's start, each far from those chosen before."""
    seconds = problem.travel_of(crew).seconds
    home = seconds[crew.start_location]
    pool = sorted(places, key=lambda p: (home[p], p))[:BREAK_POOL]
    gap = {p: home[p] for p in pool}
    chosen: set[int] = set()
    while gap and len(chosen) < count:
        far = max(gap, key=lambda p: (gap[p], -p))
        chosen.add(far)
        del gap[far]
        row = seconds[far]
        gap = {p: min(d, row[p]) for p, d in gap.items()}
    return chosen


def build(
    problem: Problem, visits: Sequence[Visit], hard_required: bool, warm: Warm | None = None
) -> _Built:
    """PyVRP problem data for ``visits`` (a subset of the problem's) and all crews.

    ``warm``: the start the search will get; its break places are kept among the candidates.
    """
    warm_places = {} if warm is None else {c: slot[1] for c, slot in warm.breaks.items()}
    dims = _dimensions(problem, visits)
    # Extra load dimensions: visit counts (max visits) and demand (crew capacity).
    counts = (
        any(c.max_visits is not None for c in problem.crews),
        any(c.capacity is not None for c in problem.crews),
    )
    limit = len(visits) + len(problem.crews) + 1
    prize = prizes(problem, visits, hard_required)
    depot_places = sorted({p for c in problem.crews for p in (c.start_location, c.end_location)})
    breaks = {
        c.id: _break_places(problem, c, visits, warm_places.get(c.id))
        for c in problem.crews
        if c.break_rule is not None
    }
    # PyVRP gets only the places in use: a part of a large problem brings a small matrix.
    used = sorted(
        {*depot_places, *(v.location for v in visits), *itertools.chain(*breaks.values())}
    )
    local = {place: index for index, place in enumerate(used)}
    depots = [Depot(location=local[p]) for p in depot_places]
    built = _Built(data=None)  # type: ignore[arg-type]
    clients: list[Client] = []
    groups: list[ClientGroup] = []
    for visit in visits:
        allowed = _allowed(problem, visit)
        load = [1 if allowed == d else 0 for d in dims]
        load += ([1] if counts[0] else []) + ([visit.demand] if counts[1] else [])
        multi = len(visit.windows) > 1
        required = visit.required and hard_required
        members = []
        for index, window in enumerate(sorted(visit.windows, key=lambda w: w.start)):
            if multi:
                members.append(len(clients))
            clients.append(
                Client(
                    location=local[visit.location],
                    delivery=load,
                    service_duration=visit.service,
                    tw_early=window.start,
                    tw_late=window.end,
                    prize=prize[visit.id],
                    required=required and not multi,
                    group=len(groups) if multi else None,
                    name=visit.id,
                )
            )
            built.client_visit.append(visit.id)
            built.client_window.append(index)
        if multi:
            groups.append(ClientGroup(members, required=required))
    for crew in problem.crews:
        if crew.id in breaks:
            places = breaks[crew.id]
            _add_break(crew, places, local, dims, counts, clients, groups, built)
    types = _vehicle_types(problem, dims, limit, counts, depot_places, built)
    # One PyVRP profile per travel profile (a crew's speed); the objective is travel seconds,
    # so each profile's seconds serve as its distance and its duration alike.
    matrices = [travel.dense(used)[0] for travel in problem.travels]
    built.data = ProblemData(
        locations=[Location(0.0, 0.0) for _ in used],
        clients=clients,
        depots=depots,
        vehicle_types=types,
        distance_matrices=matrices,  # type: ignore[arg-type]
        duration_matrices=matrices,  # type: ignore[arg-type]
        groups=groups,
    )
    return built


def _add_break(
    crew: Crew,
    places: list[int],
    local: dict[int, int],
    dims: list[frozenset[str]],
    counts: tuple[bool, bool],
    clients: list[Client],
    groups: list[ClientGroup],
    built: _Built,
) -> None:
    rule = crew.break_rule
    assert rule is not None
    load = [1 if d == frozenset({crew.id}) else 0 for d in dims] + [0] * sum(counts)
    members = list(range(len(clients), len(clients) + len(places)))
    for place in places:
        built.break_client[crew.id, place] = len(clients)
        clients.append(
            Client(
                location=local[place],
                delivery=load,
                service_duration=rule.duration,
                tw_early=rule.earliest,
                tw_late=rule.latest - rule.duration,
                required=len(places) == 1,
                group=len(groups) if len(places) > 1 else None,
                name=f"break:{crew.id}",
            )
        )
        built.client_visit.append(None)
        built.client_window.append(0)
    if len(places) > 1:
        groups.append(ClientGroup(members, required=True))


def _vehicle_types(
    problem: Problem,
    dims: list[frozenset[str]],
    limit: int,
    counts: tuple[bool, bool],
    depot_places: list[int],
    built: _Built,
) -> list[VehicleType]:
    """One vehicle type per group of interchangeable crews (fewer symmetric routes to search)."""
    keyed: dict[tuple[int, int, int, int, tuple[int, ...], int], list[Crew]] = {}
    for crew in problem.crews:
        caps = tuple(_capacity(crew, dims, limit, counts))
        key = (
            crew.start_location,
            crew.end_location,
            crew.shift.start,
            crew.shift.end,
            caps,
            crew.profile,
        )
        keyed.setdefault(key, []).append(crew)
    types = []
    for (start, end, early, late, capacity, profile), crews in keyed.items():
        types.append(
            VehicleType(
                num_available=len(crews),
                capacity=list(capacity),
                start_depot=depot_places.index(start),
                end_depot=depot_places.index(end),
                tw_early=early,
                tw_late=late,
                profile=profile,
                name=crews[0].id,
            )
        )
        built.type_crews.append([c.id for c in crews])
    return types


@dataclass(frozen=True)
class Warm:
    """A start for the search: visit orders, each visit's window index, each break's slot.

    ``breaks`` maps a crew to ``(position in its order, place)`` of the break stop.
    """

    orders: Orders
    windows: dict[str, int]
    breaks: dict[str, tuple[int, int]]


def initial_solution(built: _Built, warm: Warm) -> pyvrp.Solution:
    """A PyVRP solution from a warm start (a feasible one keeps the search's best feasible)."""
    client_of: dict[str, int] = {}
    for index, visit_id in enumerate(built.client_visit):
        if visit_id is not None and built.client_window[index] == warm.windows.get(visit_id, 0):
            client_of[visit_id] = index
    routes = []
    for vtype, crews in enumerate(built.type_crews):
        for crew_id in crews:
            visits = [client_of[v] for v in warm.orders.get(crew_id, [])]
            slot = warm.breaks.get(crew_id)
            if slot is not None and (crew_id, slot[1]) in built.break_client:
                visits.insert(slot[0], built.break_client[crew_id, slot[1]])
            if visits:
                routes.append(pyvrp.Route(built.data, visits, vtype))
    return pyvrp.Solution(built.data, routes)


def run(
    built: _Built,
    budget: Budget,
    *,
    cancelled: CancelCheck | None = None,
    progress: ProgressCallback | None = None,
    warm: Warm | None = None,
    penalty_cap: float = 100_000.0,
    restart: int | None = None,
    history: int | None = None,
    give_up: float | None = None,
    clock: Clock = time.perf_counter,
    start_penalty: float | None = None,
) -> tuple[Orders, bool, int]:
    """Search; returns the best orders found, whether they are feasible, and iterations done.

    ``SEARCHES`` searches run side by side from their own seeds and the best is kept; progress
    and the iterations returned are the first one's. ``start_penalty`` overrides the starting
    penalty per unit of violation (default: see ``INITIAL_PENALTY``).
    """
    params = pyvrp.SolveParams(
        ils=IteratedLocalSearchParams(
            num_iters_no_improvement=restart_after(budget) if restart is None else restart,
            history_length=history_length(budget) if history is None else history,
        ),
        penalty=PenaltyParams(max_penalty=penalty_cap),
    )
    prized = any(client.prize > 0 for client in built.data.clients())
    start = None if prized else INITIAL_PENALTY  # why: see INITIAL_PENALTY
    if start_penalty is not None:
        start = start_penalty
    stops = [
        SearchStop(budget, cancelled, progress if k == 0 else None, give_up, clock)
        for k in range(SEARCHES)
    ]

    def search(k: int) -> pyvrp.Result:
        init = None if warm is None else initial_solution(built, warm)
        return _solve(built.data, stops[k], budget.seed + k * SEED_STRIDE, params, init, start)

    with warnings.catch_warnings():
        # Hitting the penalty cap is expected when not every required visit fits; we handle it.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        with ThreadPoolExecutor(max(1, SEARCHES - 1)) as pool:
            others = [pool.submit(search, k) for k in range(1, SEARCHES)]
            results = [search(0), *(other.result() for other in others)]
    best = min(results, key=lambda r: (not r.is_feasible(), r.cost()))
    return read_orders(built, best.best), best.is_feasible(), stops[0].iterations


def _solve(
    data: ProblemData,
    stop: SearchStop,
    seed: int,
    params: pyvrp.SolveParams,
    init: pyvrp.Solution | None,
    penalty: float | None,
) -> pyvrp.Result:
    """``pyvrp.solve`` with a choice of starting penalty; None starts at PyVRP's midpoint."""
    # The same steps as pyvrp.solve, in the same order, so the random stream is used alike.
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, params.neighbourhood)
    search = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            search.add_operator(op(data))
    start = params.penalty.midpoint_penalties(data)
    if penalty is not None:
        start = ([penalty] * data.num_load_dimensions, penalty, penalty)
    manager = PenaltyManager(start, params.penalty)
    if init is None:
        random = pyvrp.Solution.make_random(data, rng)
        init = search(random, manager.max_cost_evaluator(), exhaustive=True)
    ils = IteratedLocalSearch(data, manager, search, init, params.ils)
    return ils.run(stop, collect_stats=False)


def read_orders(built: _Built, solution: pyvrp.Solution) -> Orders:
    """Crew id -> visit ids in order; interchangeable crews take routes in a fixed order."""
    orders: Orders = {}
    free: dict[int, list[str]] = {t: list(c) for t, c in enumerate(built.type_crews)}
    for route in solution.routes():
        crew_id = free[route.vehicle_type()].pop(0)
        visits = [built.client_visit[a.idx] for a in route if a.is_client()]
        orders[crew_id] = [v for v in visits if v is not None]
    return orders
