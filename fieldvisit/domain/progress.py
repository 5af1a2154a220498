"""The two callbacks long work takes from its caller: how far it got, and whether to stop."""

from __future__ import annotations

from typing import Protocol


class ProgressCallback(Protocol):
    """Called now and then with the work done so far and a second figure (a total or a cost)."""

    def __call__(self, done: int, other: int, /) -> None: ...


class CancelCheck(Protocol):
    """Returns True once the caller wants the work to stop (like PyVRP's stopping criteria)."""

    def __call__(self) -> bool: ...
