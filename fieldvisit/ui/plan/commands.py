"""Hand edits of a route as undoable commands: add, drop, pin, move, take an optimised order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from PySide6.QtGui import QUndoCommand

State = TypeVar("State")


@dataclass(frozen=True)
class RouteState:
    """The route the user is editing: cases in visiting order and which of them are pinned."""

    order: tuple[int, ...] = ()
    pinned: frozenset[int] = frozenset()

    @property
    def pins_in_order(self) -> tuple[int, ...]:
        """Pinned cases in their manual order: what the next optimisation must keep."""
        return tuple(case for case in self.order if case in self.pinned)

    def add(self, case_id: int, at: int | None = None) -> RouteState:
        if case_id in self.order:
            return self
        order = list(self.order)
        order.insert(len(order) if at is None else at, case_id)
        return replace(self, order=tuple(order))

    def drop(self, case_id: int) -> RouteState:
        return RouteState(tuple(c for c in self.order if c != case_id), self.pinned - {case_id})

    def toggle_pin(self, case_id: int) -> RouteState:
        if case_id not in self.order:
            return self
        return replace(self, pinned=self.pinned ^ {case_id})

    def move(self, source: int, target: int) -> RouteState:
        """Move the stop at row ``source`` so it lands before the stop now at row ``target``."""
        order = list(self.order)
        if not 0 <= source < len(order):
            return self
        case = order.pop(source)
        target = max(0, min(target if target <= source else target - 1, len(order)))
        order.insert(target, case)
        return replace(self, order=tuple(order))


Apply = Callable[[RouteState], None]


class StateEdit(QUndoCommand, Generic[State]):
    """One edit of a screen's whole state; redo and undo hand that state back to the screen."""

    def __init__(
        self, text: str, before: State, after: State, apply: Callable[[State], None]
    ) -> None:
        super().__init__(text)
        self.before, self.after = before, after
        self._apply = apply

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


class RouteEdit(StateEdit[RouteState]):
    """One route edit; the screen re-checks each state it is handed."""
