"""UI fixtures: services on the demo database, one task runner per test (stopped at its end)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.enums import Role
from fieldvisit.services.audit import DEMO_AUDIT_KEY, AuditLog
from fieldvisit.storage.database import Database
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.context import ScreenContext, Services
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.tasks import TaskRunner


@pytest.fixture
def services(demo_db: Database) -> Services:
    clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    return build_services(demo_db, AuditLog(DEMO_AUDIT_KEY, clock), clock)


@pytest.fixture
def shown_errors() -> list[str]:
    """Texts the error reporter showed; a test that expects none leaves it empty."""
    return []


@pytest.fixture
def errors(shown_errors: list[str]) -> Iterator[ErrorReporter]:
    reporter = ErrorReporter("zh", show_dialogs=False)
    reporter.reported.connect(shown_errors.append)
    yield reporter
    assert shown_errors == [], "an error was shown to the user"


@pytest.fixture
def tasks(qtbot: QtBot, errors: ErrorReporter) -> Iterator[TaskRunner]:
    runner = TaskRunner(errors.report)
    yield runner
    # No test may leave the worker running (napari's rule).
    runner.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def actor_of(services: Services) -> Callable[[Role], Actor]:
    """The first demo user with ``role`` as an Actor."""

    def find(role: Role) -> Actor:
        user = next(u for u in services.users.active_users() if u.role is role)
        return services.users.actor(user.id)

    return find


@pytest.fixture
def context_for(
    services: Services, tasks: TaskRunner, errors: ErrorReporter, settings: AppSettings
) -> Callable[[Actor, str], ScreenContext]:
    def make(actor: Actor, lang: str = "zh") -> ScreenContext:
        return ScreenContext(services, actor, lang, tasks, errors, settings, lambda _text: None)

    return make


@pytest.fixture
def drain(qtbot: QtBot, tasks: TaskRunner) -> Callable[[], None]:
    """Waits until every queued task ran and its result reached the GUI thread."""

    def wait() -> None:
        qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=10_000)

    return wait
