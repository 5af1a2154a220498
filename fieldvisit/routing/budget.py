"""Search budgets, progress and cancellation: the small protocols between planner and caller."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from fieldvisit.domain.progress import CancelCheck, ProgressCallback

Clock = Callable[[], float]  # seconds, monotonic (time.perf_counter in production)


@dataclass(frozen=True)
class Budget:
    """Search budget: an iteration limit, a wall-clock limit, or both (the first reached stops)."""

    iterations: int | None = None
    seconds: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.iterations is None and self.seconds is None:
            raise ValueError("a budget needs iterations or seconds")
        if self.iterations is not None and self.iterations < 0:
            raise ValueError("iterations must be >= 0")
        if self.seconds is not None and self.seconds < 0:
            raise ValueError("seconds must be >= 0")


class PhaseLog(Protocol):
    """Told when a phase of a solve ends and how long it took (benchmarks and tests listen)."""

    def __call__(self, phase: str, seconds: float) -> None: ...


class Deadline:
    """The one end time that every phase of a solve shares.

    Built from a budget's seconds; an iteration-only budget has no end (deterministic runs).
    """

    def __init__(self, seconds: float | None, clock: Clock = time.perf_counter) -> None:
        self.clock = clock
        self.end = math.inf if seconds is None else clock() + seconds

    @property
    def timed(self) -> bool:
        return self.end != math.inf

    def left(self) -> float:
        return max(0.0, self.end - self.clock()) if self.timed else math.inf

    def expired(self) -> bool:
        return self.timed and self.clock() >= self.end

    def before(self, reserve: float) -> Deadline:
        """A deadline ``reserve`` seconds earlier (time kept for the phases that follow)."""
        return self._at(self.end - reserve)

    def share(self, fraction: float) -> Deadline:
        """A deadline after ``fraction`` of the time left."""
        return self._at(self.clock() + fraction * self.left()) if self.timed else self

    def _at(self, end: float) -> Deadline:
        out = Deadline(None, self.clock)
        out.end = min(self.end, end) if self.timed else math.inf
        return out

    def budget(self, budget: Budget) -> Budget:
        """``budget`` with its seconds cut to the time left (iterations unchanged)."""
        if budget.seconds is None or not self.timed:
            return budget
        return replace(budget, seconds=min(budget.seconds, self.left()))


# Late-acceptance history of the search. PyVRP's default (300) accepts worse solutions for
# longer; at interactive budgets (a few thousand iterations) a shorter history converges better.
# Solomon 100, seed 0, 18 instances (the 12 of the issue + R103 R107 RC103 RC107 R211 RC206) at
# 5000 iterations, mean gap: history 300 -> 0.41 %, 50 -> 0.33 %, 100 -> 0.28 %. Long runs keep
# the default (Gehring-Homberger 400 at 30 s did better with it).
SHORT_HISTORY, LONG_HISTORY = 100, 300
SHORT_BUDGET_SECONDS, SHORT_BUDGET_ITERATIONS = 5.0, 20_000


def is_short(budget: Budget) -> bool:
    """Whether ``budget`` is an interactive one (see the notes above and below)."""
    return (budget.seconds is not None and budget.seconds <= SHORT_BUDGET_SECONDS) or (
        budget.iterations is not None and budget.iterations <= SHORT_BUDGET_ITERATIONS
    )


def history_length(budget: Budget) -> int:
    """The late-acceptance history that suits this budget (see the note above)."""
    return SHORT_HISTORY if is_short(budget) else LONG_HISTORY


# PyVRP starts its penalties at the midpoint of [min, max] penalty, ~50 000 per unit of time
# warp, and lowers them by 10 % per 500 iterations: over a 10 s run (~20 000 iterations) the
# search never crosses infeasible space and sticks in one basin. Starting at 100 per unit (a
# Solomon arc is ~10-500 units, a field drive ~100-2000 s) and restarting from the best solution
# after a while without improvement escapes it. Solomon 100, mean gap, PyVRP's start vs both:
# the 8 hardest at 10 s (R104 R108 R112 R204 R211 RC102 RC106 RC108), seeds 3-4, 20 000
# iterations, restart 4000: 0.85 % -> 0.34 % (penalty alone 0.62 %, restart alone 0.47 %);
# the 12 hardest at 2 s, seeds 0-2, 4000 iterations, restart 1000: 1.12 % -> 0.89 %.
# The low start is for searches without prizes only: a prize is worth more than any plan's
# travel (see ``engine.prizes``), so against 100 per unit the search would buy visits with
# time warp for many iterations before the penalty caught up.
INITIAL_PENALTY = 100.0
LONG_RESTART, SHORT_RESTART = 4_000, 1_000


def restart_after(budget: Budget) -> int:
    """Iterations without improvement before the search restarts from its best solution."""
    return SHORT_RESTART if is_short(budget) else LONG_RESTART


# PyVRP's cost of an infeasible solution is the largest 64-bit integer.
INFEASIBLE = 2**63 - 1


class SearchStop:
    """PyVRP stopping criterion built from a budget, a cancel check and a progress callback."""

    def __init__(
        self,
        budget: Budget,
        cancelled: CancelCheck | None,
        progress: ProgressCallback | None,
        give_up: float | None = None,
        clock: Clock = time.perf_counter,
    ):
        self._budget = budget
        self._cancelled = cancelled
        self._progress = progress
        self._give_up = give_up
        self._clock = clock
        self._started = clock()
        self.iterations = 0

    def __call__(self, best_cost: float) -> bool:
        self.iterations += 1
        if self._progress is not None and self.iterations % 200 == 0:
            self._progress(self.iterations, int(min(best_cost, 2**62)))
        share = self._used()
        if share >= 1.0:
            return True
        if self._give_up is not None and share >= self._give_up and best_cost >= INFEASIBLE:
            return True  # still no feasible solution: leave the rest of the budget to a fallback
        return self._cancelled is not None and self._cancelled()

    def _used(self) -> float:
        """The share of the budget spent (the larger of iterations and time)."""
        shares = [0.0]
        if self._budget.iterations is not None:
            shares.append(self.iterations / max(1, self._budget.iterations + 1))
            if self.iterations > self._budget.iterations:
                return 1.0
        if self._budget.seconds is not None:
            spent = self._clock() - self._started
            shares.append(1.0 if spent >= self._budget.seconds else spent / self._budget.seconds)
        return max(shares)
