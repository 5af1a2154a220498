"""Under the Safety board: who the selected session's alarm steps reached, and when."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QWidget

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import FieldVisitError
from fieldvisit.i18n import render, translate
from fieldvisit.services.field.notify_log import DeliveryLog, StepDeliveries
from fieldvisit.ui.tasks import TaskRunner

_COLOURS = {"sent": "#198754", "failed": "#b02a37", "gave_up": "#b02a37", "sending": "#6c757d"}


class DeliveryPanel(QLabel):
    """Loads the log through the database worker; shows one line per attempt, by step."""

    def __init__(
        self,
        log: DeliveryLog,
        actor: Actor,
        lang: str,
        zone: ZoneInfo,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._log, self._actor, self._lang, self.zone = log, actor, lang, zone
        self._runner = runner
        self.steps: tuple[StepDeliveries, ...] = ()
        self.session_id: int | None = None
        self.setWordWrap(True)
        self.setTextFormat(self.textFormat().RichText)

    def fetch(self, session_id: int | None) -> tuple[StepDeliveries, ...]:
        """On the worker thread, with the board's own refresh."""
        return self._log.for_session(self._actor, session_id) if session_id else ()

    def show_session(self, session_id: int | None) -> None:
        """A newly selected session: loaded once (the board's refresh keeps it current)."""
        if session_id == self.session_id:
            return
        self.session_id = session_id
        if session_id is None:
            self.show_steps((), None)
            return
        self._run(lambda: self.fetch(session_id), lambda steps: self.show_steps(steps, session_id))

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self._runner is None:
            try:
                done(work())
            except FieldVisitError as exc:
                self.setText(render(exc.message, self._lang))
            return
        self._runner.submit(lambda _progress: work(), done, lambda _error: None)

    def show_steps(self, steps: tuple[StepDeliveries, ...], session_id: int | None) -> None:
        self.steps, self.session_id = steps, session_id
        lines: list[str] = []
        for step in steps:
            audience = translate(f"safety.audience.{step.audience}", self._lang)
            head = translate("notify.board.step", self._lang, step=step.step, audience=audience)
            if step.acknowledged_at is not None:
                at = self._time(step.acknowledged_at)
                who = html.escape(step.acknowledged_by or "?")
                head += " · " + translate("notify.board.acknowledged", self._lang, by=who, at=at)
            lines.append(f"<b>{head}</b>")
            if not step.attempts:
                lines.append("&nbsp;&nbsp;" + translate("notify.board.no_route", self._lang))
            for a in step.attempts:
                outcome = translate(f"notify.outcome.{a.outcome}", self._lang)
                colour = _COLOURS.get(a.outcome, "#6c757d")
                error = f" — {html.escape(a.error)}" if a.error else ""
                address = html.escape(a.address or "*")
                lines.append(
                    f"&nbsp;&nbsp;{self._time(a.at)} {a.channel} {address} "
                    f"#{a.attempt} <span style='color:{colour}'>{outcome}</span>{error}"
                )
        self.setText("<br>".join(lines))

    def _time(self, value: Any) -> str:
        return str(value.astimezone(self.zone).strftime("%H:%M:%S"))
