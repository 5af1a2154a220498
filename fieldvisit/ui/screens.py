"""The screen registry: each screen is a factory, a title message id, an icon and a permission.

Adding a screen is one ``ScreenSpec`` in ``SCREENS``. The main window lists the screens the
signed-in actor's role allows, builds each on first use, and calls the optional hooks below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtWidgets import QWidget

from fieldvisit.domain.access import Actor, Permission, allows
from fieldvisit.ui.context import ScreenContext


@runtime_checkable
class Retranslatable(Protocol):
    """A screen that can change its language in place (keeping selection and filters)."""

    def retranslate(self, lang: str) -> None: ...


@runtime_checkable
class Refreshable(Protocol):
    """A screen whose data can be reloaded (View ▸ Refresh, F5)."""

    def refresh(self) -> None: ...


@runtime_checkable
class Searchable(Protocol):
    """A screen with a search field (Edit ▸ Find, Ctrl+F)."""

    def focus_search(self) -> None: ...


@runtime_checkable
class StateKeeping(Protocol):
    """A screen that remembers its layout (splitters, columns) across sessions."""

    def save_state(self) -> None: ...


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen that may hold work not yet saved: quitting asks before it is thrown away."""

    def unsaved_work(self) -> str | None: ...


ScreenFactory = Callable[[ScreenContext], QWidget]


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title_id: str
    icon: str  # resources/icons/<icon>.svg
    factory: ScreenFactory
    # Any one of these lets the actor use the screen; the services enforce it again.
    permissions: tuple[Permission, ...]
    # And all of these (a screen whose work needs two permissions, e.g. plan and approve).
    also: tuple[Permission, ...] = ()

    def available_to(self, actor: Actor) -> bool:
        return any(allows(actor, p) for p in self.permissions) and all(
            allows(actor, p) for p in self.also
        )


def _cases(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.cases.view import CasesScreen

    return CasesScreen(context)


def _records(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.records.records_view import RecordsView

    today = context.services.clock().date()
    return RecordsView(context.services.records, context.actor, context.lang, context.tasks, today)


def _reports(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.records.statistics_view import ReportsView

    today = context.services.clock().date()
    return ReportsView(context.services.reports, context.actor, context.lang, context.tasks, today)


def _policy(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.admin.policy_editor import PolicyEditorWidget

    return PolicyEditorWidget(context.services.policy, context.actor, context.lang, context.tasks)


def _safety(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.field.board import SafetyBoardWidget

    board = SafetyBoardWidget(
        context.services.safety_board,
        context.services.safety_response,
        context.actor,
        context.lang,
        context.tasks,
        deliveries=context.services.notify.log,
        hub=context.services.notify.hub,
        health=context.services.notify.health,
    )
    board.start()
    return board


def _plan(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.plan.screen import PlanScreen

    day = context.services.clock().date()
    return PlanScreen(
        context.services.plan,
        context.actor,
        context.lang,
        context.tasks,
        report_error=context.errors.report,
        day=day,
    )


def _team_plan(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.team_plan.screen import TeamPlanScreen

    day = context.services.clock().date()
    return TeamPlanScreen(
        context.services.plan,
        context.actor,
        context.lang,
        context.tasks,
        report_error=context.errors.report,
        day=day,
    )


def _assign(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.assign.screen import AssignScreen

    return AssignScreen(context)


def _approvals(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.plan.approvals_view import ApprovalsView

    return ApprovalsView(
        context.services.plan.rounds,
        context.actor,
        context.lang,
        context.tasks,
        report_error=context.errors.report,
    )


def _today(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.field.today_screen import TodayScreen

    return TodayScreen(context)


def _imports(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.importing.screen import ImportScreen

    return ImportScreen(context)


def _organisation(context: ScreenContext) -> QWidget:
    from fieldvisit.ui.admin.organisation_screen import OrganisationScreen

    return OrganisationScreen(context)


_P = Permission
SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "cases", "ui.screen.cases", "cases", _cases, (_P.VIEW_TEAM_CASES, _P.VIEW_ALL_CASES)
    ),
    ScreenSpec("plan", "ui.screen.plan", "plan", _plan, (_P.PLAN_ROUND,)),
    ScreenSpec("today", "ui.screen.today", "safety", _today, (_P.RECORD_VISIT,)),
    ScreenSpec("approvals", "ui.screen.approvals", "approvals", _approvals, (_P.APPROVE_ROUND,)),
    ScreenSpec("assign", "ui.screen.assign", "assign", _assign, (_P.ASSIGN_CASES,)),
    # A team plan is a manager's: planning rounds for crews whose rounds they may approve.
    ScreenSpec(
        "team_plan",
        "ui.screen.team_plan",
        "plan",
        _team_plan,
        (_P.PLAN_ROUND,),
        (_P.APPROVE_ROUND,),
    ),
    ScreenSpec("safety", "ui.screen.safety", "safety", _safety, (_P.WATCH_SAFETY,)),
    ScreenSpec("records", "ui.screen.records", "records", _records, (_P.PRINT_RECORDS,)),
    ScreenSpec("reports", "ui.screen.reports", "reports", _reports, (_P.VIEW_REPORTS,)),
    ScreenSpec("policy", "ui.screen.policy", "policy", _policy, (_P.EDIT_POLICY,)),
    ScreenSpec("import", "ui.screen.import", "import", _imports, (_P.IMPORT_DATA,)),
    # Administrators set up everything; managers the crews of their own team.
    ScreenSpec(
        "organisation",
        "ui.screen.organisation",
        "user",
        _organisation,
        (_P.MANAGE_USERS, _P.ASSIGN_CASES),
    ),
)


def screens_for(actor: Actor, registry: Sequence[ScreenSpec] = SCREENS) -> list[ScreenSpec]:
    """The screens the actor's role can use, in registry order."""
    return [spec for spec in registry if spec.available_to(actor)]
