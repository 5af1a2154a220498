"""The Team plan screen's background work: plain functions over the services, for the TaskRunner."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from fieldvisit.domain.access import Actor
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.routing.budget import Budget
from fieldvisit.services.catalog import Solver
from fieldvisit.services.planning.review import CrewChoice
from fieldvisit.services.planning.rounds import SavedRound
from fieldvisit.services.planning.team import TeamPlanningService
from fieldvisit.services.planning.team_model import HeldRound, TeamPlan, TeamRequest
from fieldvisit.ui.plan.workflow import child_planner
from fieldvisit.ui.tasks import Progress


@dataclass(frozen=True)
class HandedOut:
    plan: TeamPlan  # the plan with the saved rounds' versions, ready for further moves
    saved: list[SavedRound]
    kept: tuple[HeldRound, ...] = ()


class TeamWorkflow:
    """Each method returns the function a background task runs (it touches no widget)."""

    def __init__(
        self, service: TeamPlanningService, solver: Solver, actor: Actor, template: DayTemplate
    ) -> None:
        self.service, self.solver, self.actor, self.template = service, solver, actor, template

    def crews(self) -> Callable[[Progress], list[CrewChoice]]:
        service, actor = self.service, self.actor
        return lambda _p: service.crews(actor)

    def optimise(
        self,
        crew_ids: Sequence[int],
        day: date,
        budget: Budget,
        solve: Solver | None = None,
    ) -> Callable[[Progress], TeamPlan]:
        """Optimise in a child process: progress goes to the task, Cancel kills the child."""
        service, actor = self.service, self.actor
        request = TeamRequest(day, crew_ids=tuple(crew_ids), template=self.template)
        solver, total = solve or self.solver, budget.iterations or 0

        def work(progress: Progress) -> TeamPlan:
            planner = child_planner(solver, progress, total)
            return service.optimise(actor, request, budget, planner=planner, stages=progress.stage)

        return work

    def move(
        self, plan: TeamPlan, case_id: int, crew_id: int, position: int
    ) -> Callable[[Progress], TeamPlan]:
        service, actor = self.service, self.actor
        return lambda _p: service.move(actor, plan, case_id, crew_id, position)

    def held(self, plan: TeamPlan) -> Callable[[Progress], list[HeldRound]]:
        service, actor = self.service, self.actor
        return lambda _p: service.held_rounds(actor, plan)

    def hand_out(
        self, plan: TeamPlan, withdraw: frozenset[int] = frozenset()
    ) -> Callable[[Progress], HandedOut]:
        service, actor = self.service, self.actor

        def work(_progress: Progress) -> HandedOut:
            done = service.hand_out(actor, plan, withdraw=withdraw)
            versions = {crew: s.version for crew, s in done.saved.items()}
            return HandedOut(plan.handed_out(versions), list(done.saved.values()), done.kept)

        return work
