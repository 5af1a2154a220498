"""The Plan screen's background work: plain functions over the services, run by the TaskRunner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fieldvisit.domain.access import Actor
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing import model as rm
from fieldvisit.routing.budget import Budget
from fieldvisit.services.catalog import PlanServices, Solver
from fieldvisit.services.planning.day import DayRequest
from fieldvisit.services.planning.eligibility_model import DayEligibility
from fieldvisit.services.planning.model import RoundPlan
from fieldvisit.services.planning.review import RoundDetail
from fieldvisit.services.planning.rounds import SavedRound
from fieldvisit.ui.plan.commands import RouteState
from fieldvisit.ui.tasks import Progress


@dataclass(frozen=True)
class DayLoaded:
    candidates: DayEligibility
    saved: RoundDetail | None


@dataclass(frozen=True)
class Submitted:
    saved: SavedRound | None  # the save that went first, if there were unsaved edits
    submitted: SavedRound


def child_planner(
    solve: Solver, progress: Progress, total: int
) -> Callable[[rm.Problem, Budget], rm.Plan]:
    """A planner that runs ``solve`` in a child process: progress to the task, Cancel kills it."""

    def planner(problem: rm.Problem, given: Budget) -> rm.Plan:
        return solve(
            problem,
            given,
            progress=lambda iterations, _cost: progress.report(iterations, total),
            cancelled=lambda: progress.cancelled,
        )

    return planner


class Workflow:
    """Each method returns the function a background task runs (it touches no widget)."""

    def __init__(self, services: PlanServices, actor: Actor, template: DayTemplate) -> None:
        self.services, self.actor, self.template = services, actor, template

    def request(self, crew_id: int, day: date, state: RouteState) -> DayRequest:
        return DayRequest(crew_id, day, pinned=state.pins_in_order, template=self.template)

    def crews(self) -> Callable[[Progress], object]:
        rounds, actor = self.services.rounds, self.actor
        return lambda _p: rounds.crews(actor)

    def load(self, crew_id: int, day: date) -> Callable[[Progress], DayLoaded]:
        s, actor, minutes = self.services, self.actor, self.template.service_minutes

        def work(_progress: Progress) -> DayLoaded:
            candidates = s.eligibility.for_day(actor, day, crew_id, service_minutes=minutes)
            return DayLoaded(candidates, s.rounds.for_day(actor, crew_id, day))

        return work

    def evaluate(
        self, crew_id: int, day: date, state: RouteState
    ) -> Callable[[Progress], RoundPlan | None]:
        planning, actor, request = (
            self.services.planning,
            self.actor,
            self.request(crew_id, day, state),
        )
        order = state.order
        return lambda _p: planning.evaluate(actor, request, order) if order else None

    def optimise(
        self,
        crew_id: int,
        day: date,
        state: RouteState,
        budget: Budget,
        solve: Solver | None = None,
    ) -> Callable[[Progress], RoundPlan]:
        """Optimise in a child process: progress goes to the task, Cancel kills the child."""
        planning, actor, request = (
            self.services.planning,
            self.actor,
            self.request(crew_id, day, state),
        )
        solver, total = solve or self.services.solver, budget.iterations or 0

        def work(progress: Progress) -> RoundPlan:
            planner = child_planner(solver, progress, total)
            return planning.optimise(actor, request, budget, planner=planner)

        return work

    def save(self, plan: RoundPlan, version: int | None) -> Callable[[Progress], SavedRound]:
        rounds, actor = self.services.rounds, self.actor
        return lambda _p: rounds.save_draft(actor, plan, version)

    def submit(
        self, plan: RoundPlan | None, version: int | None, round_id: int | None
    ) -> Callable[[Progress], Submitted]:
        """Save unsaved edits first (``plan`` given), then submit the saved round."""
        rounds, actor = self.services.rounds, self.actor

        def work(_progress: Progress) -> Submitted:
            saved = rounds.save_draft(actor, plan, version) if plan is not None else None
            target = saved.round_id if saved is not None else round_id
            assert target is not None  # the screen only submits a saved or savable round
            return Submitted(saved, rounds.submit(actor, target))

        return work

    def print_sheet(
        self, crew_id: int, day: date, lang: str, path: Path
    ) -> Callable[[Progress], Path]:
        sheets, actor = self.services.sheets, self.actor

        def work(_progress: Progress) -> Path:
            assert sheets is not None  # the Print action exists only with a sheet service
            path.write_bytes(sheets.print_route(actor, crew_id, day, lang))
            return path

        return work
