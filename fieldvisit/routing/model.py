"""Solver-neutral planning problem and plan, in integer seconds and matrix location indices."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

import numpy as np
import numpy.typing as npt

# Reason codes of the solve contract for visits the planner leaves out.
NO_SLOT = "route.no_slot"
SHIFT_CAPACITY = "route.shift_capacity"
MAX_VISITS = "route.max_visits"
LOWER_WEIGHT = "route.lower_weight"
CONFLICTS_REQUIRED = "route.conflicts_required"
REASON_CODES: tuple[str, ...] = (
    NO_SLOT,
    SHIFT_CAPACITY,
    MAX_VISITS,
    LOWER_WEIGHT,
    CONFLICTS_REQUIRED,
)


class ProblemError(ValueError):
    """The planning problem is malformed; the message says what to fix."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ProblemError(message)


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[start, end]`` of seconds."""

    start: int
    end: int

    def __post_init__(self) -> None:
        _require(self.start <= self.end, f"interval start {self.start} is after end {self.end}")

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class Visit:
    """One visit to plan.

    ``windows`` are the allowed intervals for the START of service (closed at both ends), the
    convention of VRPTW benchmarks. A caller holding whole-visit intervals ``[a, b)`` passes
    ``Interval(a, b - service)``, so that the visit ends by ``b``. Empty ``windows`` means the
    visit has no allowed time at all (it will be reported ``route.no_slot``). Windows are stored
    in start order.
    """

    id: str
    location: int
    service: int
    windows: tuple[Interval, ...]
    priority: int = 0
    required: bool = False
    allowed_crews: frozenset[str] | None = None  # None = any crew
    min_crew_size: int = 1
    pinned_crew: str | None = None
    pinned_position: int | None = None  # order among the pinned stops of ``pinned_crew``
    demand: int = 0  # load units against the crew's capacity (0 for an ordinary visit)

    def __post_init__(self) -> None:
        _require(bool(self.id), "a visit needs an id")
        _require(self.location >= 0, f"visit {self.id}: location index must be >= 0")
        _require(self.service >= 0, f"visit {self.id}: service seconds must be >= 0")
        _require(0 <= self.priority <= 100, f"visit {self.id}: priority must be within 0-100")
        _require(self.demand >= 0, f"visit {self.id}: demand must be >= 0")
        _require(self.min_crew_size >= 1, f"visit {self.id}: min crew size must be >= 1")
        _require(
            self.pinned_position is None or self.pinned_crew is not None,
            f"visit {self.id}: a pinned position needs a pinned crew",
        )
        ordered = tuple(sorted(self.windows, key=lambda w: w.start))
        for first, second in itertools.pairwise(ordered):
            _require(first.end < second.start, f"visit {self.id}: windows overlap")
        # Kept in start order: schedulers scan them earliest first.
        object.__setattr__(self, "windows", ordered)

    @property
    def weight(self) -> int:
        """The objective weight of the solve contract: ``1 + priority``."""
        return 1 + self.priority


@dataclass(frozen=True)
class BreakRule:
    """A lunch break: ``duration`` seconds, from ``earliest`` on, ending by ``latest``."""

    earliest: int
    latest: int
    duration: int

    def __post_init__(self) -> None:
        _require(self.duration > 0, "break duration must be > 0")
        _require(
            self.latest - self.earliest >= self.duration,
            "break window is shorter than the break",
        )


@dataclass(frozen=True)
class Crew:
    """A crew (one or more collectors travelling together) and its working day."""

    id: str
    start_location: int
    end_location: int
    shift: Interval
    break_rule: BreakRule | None = None
    max_visits: int | None = None
    size: int = 1
    capacity: int | None = None  # total visit demand the crew can carry (None = unlimited)
    profile: int = 0  # the crew's travel profile (its speed): an index into ``Problem.travels``

    def __post_init__(self) -> None:
        _require(bool(self.id), "a crew needs an id")
        _require(self.profile >= 0, f"crew {self.id}: travel profile must be >= 0")
        _require(self.start_location >= 0 and self.end_location >= 0, f"crew {self.id}: bad place")
        _require(self.size >= 1, f"crew {self.id}: size must be >= 1")
        _require(self.capacity is None or self.capacity >= 0, f"crew {self.id}: bad capacity")
        _require(
            self.max_visits is None or self.max_visits >= 0,
            f"crew {self.id}: max visits must be >= 0",
        )
        rule = self.break_rule
        _require(
            rule is None or (self.shift.start <= rule.earliest and rule.latest <= self.shift.end),
            f"crew {self.id}: the break window must lie inside the shift",
        )


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Row(Protocol):
    """One row of a travel table: the value towards a column index."""

    def __getitem__(self, column: int, /) -> int: ...


class Table(Protocol):
    """Rows of a travel table, indexed ``table[from][to]``."""

    def __getitem__(self, row: int, /) -> Row: ...


class Travel(Protocol):
    """Travel seconds and metres between location indices; dense or computed on demand.

    ``seconds[a][b]`` is the planner's hot path (plain lookups). ``dense(places)`` gives a block
    for bulk users (the engine) in one vectorised step; ``estimate(origins, places)`` ranks
    places by distance without computing them exactly; ``max_seconds()`` bounds every leg.
    """

    @property
    def seconds(self) -> Table: ...

    @property
    def meters(self) -> Table: ...

    @property
    def size(self) -> int: ...

    def dense(self, places: Sequence[int]) -> tuple[IntArray, IntArray]: ...

    def estimate(self, origins: Sequence[int], places: Sequence[int]) -> FloatArray: ...

    def max_seconds(self) -> int: ...


@dataclass(frozen=True)
class TravelMatrix:
    """Travel seconds and metres between location indices (row = from, column = to)."""

    seconds: tuple[tuple[int, ...], ...]
    meters: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        size = len(self.seconds)
        _require(size > 0, "the travel matrix is empty")
        for name, rows in (("seconds", self.seconds), ("meters", self.meters)):
            _require(len(rows) == size, f"travel {name} must have {size} rows")
            for row in rows:
                _require(len(row) == size, f"travel {name} must be square")
                _require(min(row) >= 0, f"travel {name} must be >= 0")

    @classmethod
    def of(
        cls, seconds: Sequence[Sequence[int]], meters: Sequence[Sequence[int]] | None = None
    ) -> TravelMatrix:
        rows = tuple(tuple(int(x) for x in row) for row in seconds)
        metres = rows if meters is None else tuple(tuple(int(x) for x in row) for row in meters)
        return cls(rows, metres)

    @property
    def size(self) -> int:
        return len(self.seconds)

    @cached_property
    def _arrays(self) -> tuple[IntArray, IntArray]:
        seconds = np.asarray(self.seconds, dtype=np.int64)
        metres = seconds if self.meters is self.seconds else np.asarray(self.meters, np.int64)
        return seconds, metres

    def dense(self, places: Sequence[int]) -> tuple[IntArray, IntArray]:
        """Seconds and metres among ``places`` (in that order) as arrays."""
        seconds, metres = self._arrays
        if len(places) == self.size and all(p == i for i, p in enumerate(places)):
            return seconds, metres
        index = np.asarray(places, dtype=np.int64)
        return seconds[np.ix_(index, index)], metres[np.ix_(index, index)]

    def estimate(self, origins: Sequence[int], places: Sequence[int]) -> FloatArray:
        """Seconds from each origin to each place (exact here; approximate in other models)."""
        rows, columns = np.asarray(origins, np.int64), np.asarray(places, np.int64)
        return self._arrays[0][np.ix_(rows, columns)].astype(np.float64)

    def max_seconds(self) -> int:
        return int(self._arrays[0].max())


@dataclass(frozen=True)
class Problem:
    """Everything the planner needs: visits, crews and their travel.

    Crews may travel at different speeds: ``travel`` is profile 0 and ``more_travel`` holds
    profiles 1, 2, ... (one per distinct speed, over the same places); a crew's ``profile``
    names its own. Every time a crew's route is built, timed or judged on comes from
    :meth:`travel_of`; ``travel`` alone serves what no crew owns (ranking, bounds on one
    profile). Crews at one speed share one profile, so the usual problem has one matrix.
    """

    visits: tuple[Visit, ...]
    crews: tuple[Crew, ...]
    travel: Travel
    more_travel: tuple[Travel, ...] = ()

    def __post_init__(self) -> None:
        _require(len(self.crews) > 0, "a problem needs at least one crew")
        for other in self.more_travel:
            _require(other.size == self.travel.size, "every travel profile needs the same places")
        for crew in self.crews:
            _require(
                crew.profile <= len(self.more_travel),
                f"crew {crew.id}: no travel profile {crew.profile}",
            )
        visit_ids = [v.id for v in self.visits]
        _require(len(set(visit_ids)) == len(visit_ids), "visit ids must be unique")
        crew_ids = {c.id for c in self.crews}
        _require(len(crew_ids) == len(self.crews), "crew ids must be unique")
        size = self.travel.size
        for crew in self.crews:
            _require(
                max(crew.start_location, crew.end_location) < size, f"crew {crew.id}: no such place"
            )
        for visit in self.visits:
            _require(visit.location < size, f"visit {visit.id}: no such place in the matrix")
            named = set(visit.allowed_crews or ()) | {visit.pinned_crew or next(iter(crew_ids))}
            _require(named <= crew_ids, f"visit {visit.id}: names an unknown crew")

    def crew(self, crew_id: str) -> Crew:
        return next(c for c in self.crews if c.id == crew_id)

    @property
    def travels(self) -> tuple[Travel, ...]:
        """Every travel profile, indexed by ``Crew.profile``."""
        return (self.travel, *self.more_travel)

    def travel_of(self, crew: Crew) -> Travel:
        """The travel ``crew`` drives at (its own speed's profile)."""
        return self.travel if crew.profile == 0 else self.more_travel[crew.profile - 1]

    def max_seconds(self) -> int:
        """A bound on any leg of any crew (the slowest profile's)."""
        return max(t.max_seconds() for t in self.travels)

    def with_crews(self, crews: Sequence[Crew], visits: Sequence[Visit] | None = None) -> Problem:
        """A problem over some of these crews (and ``visits``), keeping only their profiles.

        Profiles are renumbered so the smaller problem carries no matrix it does not use.
        """
        used = sorted({c.profile for c in crews})
        renumber = {old: new for new, old in enumerate(used)}
        kept = tuple(
            c if c.profile == renumber[c.profile] else replace(c, profile=renumber[c.profile])
            for c in crews
        )
        travels = self.travels
        return Problem(
            self.visits if visits is None else tuple(visits),
            kept,
            travels[used[0]],
            tuple(travels[p] for p in used[1:]),
        )

    def visit(self, visit_id: str) -> Visit:
        return next(v for v in self.visits if v.id == visit_id)

    def may_serve(self, crew: Crew, visit: Visit) -> bool:
        """Whether ``crew`` is allowed to make ``visit`` (crew list, pin and crew size)."""
        if visit.allowed_crews is not None and crew.id not in visit.allowed_crews:
            return False
        if visit.pinned_crew is not None and crew.id != visit.pinned_crew:
            return False
        return crew.size >= visit.min_crew_size


@dataclass(frozen=True)
class Stop:
    """A planned visit: arrival, start and end of service, in seconds."""

    visit: str
    arrive: int
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    """One crew's day: departure, stops in order, the break, return and travel totals."""

    crew: str
    depart: int
    stops: tuple[Stop, ...]
    return_: int
    break_: Interval | None = None
    travel_seconds: int = 0
    travel_meters: int = 0


@dataclass(frozen=True)
class Unscheduled:
    """A visit left out, with at least one ``route.*`` reason code."""

    visit: str
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        _require(len(self.reasons) > 0, f"unscheduled visit {self.visit} needs a reason")
        _require(set(self.reasons) <= set(REASON_CODES), f"unknown reason in {self.reasons}")


@dataclass(frozen=True)
class Plan:
    """The planner's answer: one route per crew and the visits left out."""

    routes: tuple[Route, ...]
    unscheduled: tuple[Unscheduled, ...] = field(default=())
    optimal: bool = False  # proven optimal under the solve contract's objective (see ``exact``)

    def scheduled_ids(self) -> list[str]:
        return [s.visit for r in self.routes for s in r.stops]

    @property
    def travel_seconds(self) -> int:
        return sum(r.travel_seconds for r in self.routes)

    def weight(self, problem: Problem) -> int:
        """Total weight (``1 + priority``) of the scheduled visits."""
        return sum(problem.visit(v).weight for v in self.scheduled_ids())

    def required_scheduled(self, problem: Problem) -> int:
        return sum(1 for v in self.scheduled_ids() if problem.visit(v).required)
