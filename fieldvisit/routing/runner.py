"""Run the planner in a child process, away from the UI's interpreter lock; cancel kills it."""

from __future__ import annotations

import multiprocessing
import queue
from typing import Any

from fieldvisit.domain.progress import CancelCheck, ProgressCallback
from fieldvisit.routing.budget import Budget
from fieldvisit.routing.model import Plan, Problem
from fieldvisit.routing.planner import PlanCancelledError


class PlannerFailedError(RuntimeError):
    """The planning process failed or died; the message carries its error."""


def _child(problem: Problem, budget: Budget, out: Any) -> None:
    # Imported here so the spawned interpreter loads the planner only once it runs.
    from fieldvisit.routing.planner import solve

    def progress(iterations: int, best_cost: int) -> None:
        out.put(("progress", iterations, best_cost))

    try:
        out.put(("done", solve(problem, budget, progress=progress)))
    except Exception as exc:  # handed to the parent, which raises it
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def solve_in_subprocess(
    problem: Problem,
    budget: Budget,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    poll_seconds: float = 0.05,
) -> Plan:
    """Plan in a 'spawn' child (safe beside Qt); blocks the calling worker thread, not the UI.

    ``cancelled`` is polled every ``poll_seconds``: once it returns True the child is terminated
    at once and :class:`PlanCancelledError` is raised, with no result.
    """
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_child, args=(problem, budget, out), daemon=True)
    process.start()
    try:
        return _wait(process, out, progress, cancelled, poll_seconds)
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=5)
        out.close()
        out.join_thread()


def _wait(
    process: Any,
    out: Any,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    poll_seconds: float,
) -> Plan:
    while True:
        if cancelled is not None and cancelled():
            process.terminate()
            raise PlanCancelledError()
        try:
            message = out.get(timeout=poll_seconds)
        except queue.Empty:
            if not process.is_alive() and out.empty():
                code = process.exitcode
                raise PlannerFailedError(f"the planning process died (exit code {code})") from None
            continue
        kind = message[0]
        if kind == "progress" and progress is not None:
            progress(message[1], message[2])
        elif kind == "done":
            plan: Plan = message[1]
            return plan
        elif kind == "error":
            raise PlannerFailedError(message[1])
