"""Exact labels of one crew's day: every visit set the crew can make, each with its least travel.

A label is a partial day in visit order: the set visited (a bit mask), the last place, whether the
break is taken, the earliest time the crew is free and the travel so far. Layer ``k`` holds the
labels of ``k`` visits. For a fixed order the earliest free time dominates (see ``schedule``), so
per (set, last visit, break taken) only the labels on the Pareto front of (free time, travel) are
kept. Labels whose best possible value (an optimistic bound) falls below a known plan's are
dropped. The steps copy ``schedule.advance`` exactly, in numpy over whole layers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fieldvisit.routing.model import Crew, Problem, Visit

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


class WorkLimitError(Exception):
    """The labels outgrew the work allowed: the day is too large to solve exactly in time."""


@dataclass(frozen=True)
class Pool:
    """The visits the exact method chooses from, as arrays (index ``j`` = bit ``1 << j``)."""

    visits: tuple[Visit, ...]
    place: Ints
    service: Ints
    score: Ints  # required visits count ``unit`` extra: required first, then weight
    demand: Ints
    win_start: Ints  # [n, most windows]; padding has start > end
    win_end: Ints
    unit: int  # a required visit's score bonus: more than all weights together

    @classmethod
    def of(cls, visits: tuple[Visit, ...]) -> Pool:
        unit = sum(v.weight for v in visits) + 1
        width = max((len(v.windows) for v in visits), default=1) or 1
        starts = np.full((len(visits), width), 1, dtype=np.int64)
        ends = np.full((len(visits), width), -1, dtype=np.int64)
        for j, visit in enumerate(visits):
            for w, window in enumerate(visit.windows):
                starts[j, w], ends[j, w] = window.start, window.end
        return cls(
            visits,
            np.array([v.location for v in visits], dtype=np.int64),
            np.array([v.service for v in visits], dtype=np.int64),
            np.array([v.weight + unit * v.required for v in visits], dtype=np.int64),
            np.array([v.demand for v in visits], dtype=np.int64),
            starts,
            ends,
            unit,
        )

    def mask_scores(self, masks: Ints) -> Ints:
        total = np.zeros(len(masks), dtype=np.int64)
        for j in range(len(self.visits)):
            total += np.where((masks >> j) & 1 == 1, self.score[j], 0)
        return total


@dataclass
class Layer:
    """The labels of one layer (same length arrays) and their parents in the layer before."""

    mask: Ints
    here: Ints  # place index
    last: Ints  # pool index of the last visit (-1 in layer 0)
    taken: Bools
    ready: Ints
    travel: Ints
    score: Ints
    load: Ints
    parent: Ints

    def take(self, keep: Ints | Bools) -> Layer:
        return Layer(*(getattr(self, f)[keep] for f in _FIELDS))

    def __len__(self) -> int:
        return len(self.mask)


_FIELDS = ("mask", "here", "last", "taken", "ready", "travel", "score", "load", "parent")


@dataclass
class CrewSets:
    """The crew's feasible visit sets with least travel, and how to read each set's order back."""

    masks: Ints
    travel: Ints
    where: list[tuple[int, int]]  # (layer, label index) of each set's best closed label
    layers: list[Layer] = field(default_factory=list)

    def order(self, index: int) -> list[int]:
        """Pool indices of set ``index`` in visit order."""
        depth, label = self.where[index]
        out: list[int] = []
        while depth > 0:
            layer = self.layers[depth]
            out.append(int(layer.last[label]))
            label = int(layer.parent[label])
            depth -= 1
        return out[::-1]


@dataclass(frozen=True)
class Bound:
    """What a label must still be able to reach to matter, and the work allowed.

    A label matters when its optimistic score plus ``others`` (the most the other crews can add)
    reaches the best plan known: ``known``, or this crew's best closed day with the others idle.
    """

    known: int
    others: int
    budget: int  # labels (summed over layers) allowed before giving up
    deadline: float | None = None  # perf_counter time to give up at (wall clock, busy machines)


def crew_sets(problem: Problem, crew: Crew, pool: Pool, bound: Bound) -> CrewSets:
    """Every visit set ``crew`` can make (that may still reach ``bound``), with its least travel."""
    day = _Day(problem, crew, pool)
    day.deadline = bound.deadline
    layers = [day.first()]
    closed: list[tuple[Ints, Ints, Ints, Ints]] = []
    known, spent = bound.known, 0
    while len(layers[-1]):
        layer = layers[-1]
        closed.append(day.close(layer, len(layers) - 1))
        if len(closed[-1][0]):
            known = max(known, int(pool.mask_scores(closed[-1][0]).max()))
        if crew.max_visits is not None and len(layers) - 1 >= crew.max_visits:
            break
        grown = _pareto(day.grow(layer))
        grown = grown.take(day.hopeful(grown, known - bound.others))
        spent += len(grown)
        late = bound.deadline is not None and time.perf_counter() > bound.deadline
        if spent > bound.budget or late:
            raise WorkLimitError()
        layers.append(grown)
    return _best_per_set(closed, layers)


def optimism(problem: Problem, crew: Crew, pool: Pool) -> int:
    """An upper bound on the score ``crew`` can reach alone (the bound of its empty day)."""
    day = _Day(problem, crew, pool)
    return int(day.optimist.best(day.first())[0])


def _best_per_set(closed: list[tuple[Ints, Ints, Ints, Ints]], layers: list[Layer]) -> CrewSets:
    masks = np.concatenate([c[0] for c in closed])
    travel = np.concatenate([c[1] for c in closed])
    depth = np.concatenate([c[2] for c in closed])
    label = np.concatenate([c[3] for c in closed])
    order = np.lexsort((travel, masks))
    masks, travel, depth, label = masks[order], travel[order], depth[order], label[order]
    first = np.ones(len(masks), dtype=bool)
    first[1:] = masks[1:] != masks[:-1]
    where = list(zip(depth[first].tolist(), label[first].tolist(), strict=True))
    return CrewSets(masks[first], travel[first], where, layers)


def _pareto(layer: Layer) -> Layer:
    """Per (set, last, break taken) only labels not beaten on both free time and travel."""
    if not len(layer):
        return layer
    key = (layer.mask * (2 * 64) + (layer.last + 1) * 2 + layer.taken).astype(np.int64)
    order = np.lexsort((layer.travel, layer.ready, key))
    key, travel = key[order], layer.travel[order]
    group = np.concatenate(([0], np.cumsum(key[1:] != key[:-1])))
    # Later groups get a lower offset so one running minimum restarts at every group.
    shifted = travel + (group[-1] - group) * (int(travel.max()) + 1)
    running = np.minimum.accumulate(shifted)
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = (key[1:] != key[:-1]) | (shifted[1:] < running[:-1])
    return layer.take(order[keep])


class _Day:
    """The crew's day rules as array steps: grow a layer by one visit, close labels home."""

    def __init__(self, problem: Problem, crew: Crew, pool: Pool) -> None:
        self.crew, self.pool = crew, pool
        self.seconds = np.asarray(problem.travel_of(crew).seconds, dtype=np.int64)
        self.rule = crew.break_rule
        self.allowed = [problem.may_serve(crew, v) for v in pool.visits]
        self.after = self._pinned_after(pool.visits)
        self.latest = pool.win_end.max(axis=1)
        self.optimist = _Optimist(self, pool)
        self.deadline: float | None = None

    def _pinned_after(self, visits: tuple[Visit, ...]) -> list[int]:
        """Per visit: the mask of this crew's pinned visits that must come after it."""
        out = []
        for visit in visits:
            mask = 0
            if visit.pinned_crew == self.crew.id and visit.pinned_position is not None:
                for j, other in enumerate(visits):
                    position = other.pinned_position
                    if other.pinned_crew == self.crew.id and position is not None:
                        mask |= (1 << j) if position > visit.pinned_position else 0
            out.append(mask)
        return out

    def first(self) -> Layer:
        one = np.zeros(1, dtype=np.int64)
        start = np.array([self.crew.shift.start], dtype=np.int64)
        place = np.array([self.crew.start_location], dtype=np.int64)
        return Layer(one, place, one - 1, np.zeros(1, dtype=bool), start, one, one, one, one - 1)

    def grow(self, layer: Layer) -> Layer:
        parts = []
        parents = np.arange(len(layer), dtype=np.int64)
        for j, visit in enumerate(self.pool.visits):
            if not self.allowed[j]:
                continue
            drive = self.seconds[layer.here, visit.location]
            ok = (layer.mask & (1 << j) | layer.mask & self.after[j]) == 0
            ok &= layer.ready + drive <= self.latest[j]
            if self.crew.capacity is not None:
                ok &= layer.load + visit.demand <= self.crew.capacity
            index = parents[ok]
            if len(index):
                parts.extend(self._children(layer, index, j, drive[ok]))
            if self.deadline is not None and time.perf_counter() > self.deadline:
                raise WorkLimitError()  # one layer of a large day can take a while
        if not parts:
            return layer.take(np.zeros(0, dtype=np.int64))
        return Layer(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))

    def _children(self, layer: Layer, index: Ints, j: int, drive: Ints) -> list[Layer]:
        ready = layer.ready[index]
        out = [self._child(layer, index, j, drive, ready + drive, layer.taken[index])]
        if self.rule is not None:
            free = ~layer.taken[index]
            after, fits = self._break_then(ready[free], drive[free])
            sub = index[free][fits]
            taken = np.ones(len(sub), dtype=bool)
            out.append(self._child(layer, sub, j, drive[free][fits], after[fits], taken))
        return out

    def _break_then(self, free: Ints, drive: Ints) -> tuple[Ints, Bools]:
        """Free time after the break and the drive in one gap (``schedule._break_in_gap``)."""
        rule = self.rule
        assert rule is not None
        begin = np.maximum(free + drive, rule.earliest)  # drive first, break on arrival
        drive_first = begin + rule.duration <= rule.latest
        begin_here = np.maximum(free, rule.earliest)  # break first, then drive
        break_first = begin_here + rule.duration <= rule.latest
        after = np.where(drive_first, begin + rule.duration, begin_here + rule.duration + drive)
        return after, drive_first | break_first

    def _child(
        self, layer: Layer, index: Ints, j: int, drive: Ints, ready: Ints, taken: Bools
    ) -> Layer:
        start = np.full(len(index), -1, dtype=np.int64)
        for w in range(self.pool.win_start.shape[1]):
            opens, closes = self.pool.win_start[j, w], self.pool.win_end[j, w]
            pick = (start < 0) & (ready <= closes) & (opens <= closes)
            start = np.where(pick, np.maximum(ready, opens), start)
        end = start + self.pool.service[j]
        ok = (start >= 0) & (end <= self.crew.shift.end)
        index = index[ok]
        return Layer(
            layer.mask[index] | (1 << j),
            np.full(len(index), self.pool.place[j], dtype=np.int64),
            np.full(len(index), j, dtype=np.int64),
            taken[ok],
            end[ok],
            layer.travel[index] + drive[ok],
            layer.score[index] + self.pool.score[j],
            layer.load[index] + self.pool.demand[j],
            index,
        )

    def close(self, layer: Layer, depth: int) -> tuple[Ints, Ints, Ints, Ints]:
        """Labels that can drive home (taking the break if still due): set, travel, where."""
        drive = self.seconds[layer.here, self.crew.end_location]
        home = layer.ready + drive
        if self.rule is not None:
            after, fits = self._break_then(layer.ready, drive)
            home = np.where(layer.taken, home, np.where(fits, after, self.crew.shift.end + 1))
        ok = home <= self.crew.shift.end
        labels = np.nonzero(ok)[0]
        depths = np.full(len(labels), depth, dtype=np.int64)
        return layer.mask[ok], layer.travel[ok] + drive[ok], depths, labels.astype(np.int64)

    def hopeful(self, layer: Layer, target: int) -> Bools:
        if target <= 0 or not len(layer):
            return np.ones(len(layer), dtype=bool)
        return self.optimist.best(layer) >= target


class _Optimist:
    """An upper bound on the score a label can still end with: time and visit-count knapsacks.

    Each further visit ``j`` uses at least its service plus the shortest drive into it, and the
    break (if still due) uses its minutes; the fractional knapsack over the time left, and the
    heaviest visits up to the crew's remaining count, both bound what is still to gain.
    """

    def __init__(self, day: _Day, pool: Pool) -> None:
        self.day = day
        places = [day.crew.start_location, *pool.place.tolist()]
        seconds = day.seconds
        cost = []
        for j, place in enumerate(pool.place.tolist()):
            into = [seconds[p][place] for i, p in enumerate(places) if i != j + 1]
            cost.append(pool.service[j] + min(into))
        self.cost = np.maximum(np.array(cost, dtype=np.float64), 1.0)
        usable = [j for j in range(len(pool.visits)) if day.allowed[j]]
        self.by_density = sorted(usable, key=lambda j: -pool.score[j] / self.cost[j])
        self.by_score = sorted(usable, key=lambda j: -pool.score[j])

    def best(self, layer: Layer) -> Ints:
        day, pool = self.day, self.day.pool
        rule = day.rule
        left = (day.crew.shift.end - layer.ready).astype(np.float64)
        if rule is not None:
            left -= np.where(layer.taken, 0, rule.duration)
        by_time = np.zeros(len(layer), dtype=np.float64)
        open_ = [self._open(layer, j) for j in range(len(pool.visits))]
        for j in self.by_density:
            share = np.where(open_[j], np.clip(left / self.cost[j], 0.0, 1.0), 0.0)
            by_time += share * pool.score[j]
            left -= share * self.cost[j]
        gain = np.floor(by_time + 1e-6).astype(np.int64)
        limit = day.crew.max_visits
        if limit is not None:
            room = limit - _popcount(layer.mask)
            by_count = np.zeros(len(layer), dtype=np.int64)
            for j in self.by_score:
                take = open_[j] & (room > 0)
                by_count += np.where(take, pool.score[j], 0)
                room -= take
            gain = np.minimum(gain, by_count)
        return layer.score + gain

    def _open(self, layer: Layer, j: int) -> Bools:
        drive = self.day.seconds[layer.here, self.day.pool.place[j]]
        unvisited: Bools = (layer.mask >> j) & 1 == 0
        reachable: Bools = layer.ready + drive <= self.day.latest[j]
        return unvisited & reachable


def _popcount(masks: Ints) -> Ints:
    count = np.zeros(len(masks), dtype=np.int64)
    work = masks.copy()
    while work.any():
        count += work & 1
        work >>= 1
    return count
