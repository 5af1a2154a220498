"""What every screen receives: the services, the signed-in actor, language, worker and settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fieldvisit.domain.access import Actor
from fieldvisit.services.catalog import Services
from fieldvisit.ui.app_settings import AppSettings
from fieldvisit.ui.errors import ErrorReporter
from fieldvisit.ui.tasks import TaskRunner


@dataclass(frozen=True)
class ScreenContext:
    services: Services
    actor: Actor
    lang: str  # the language at creation; later changes arrive through ``retranslate``
    tasks: TaskRunner
    errors: ErrorReporter
    settings: AppSettings
    show_status: Callable[[str], None]
