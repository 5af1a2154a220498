"""The two callbacks long work takes from its caller: how far it got, and whether to stop."""

from __future__ import annotations

from typing import Protocol


class ProgressCallback(Protocol):
    """Called now and then with the work done so far and a second figure (a total or a cost)."""

    def __call__(self, done: int, other: int, /) -> None: ...


class CancelCheck(Protocol):
    """Returns True once the caller wants the work to stop (like PyVRP's stopping criteria)."""

    def __call__(self) -> bool: ...


class StageCallback(Protocol):
    """Called as long work moves through its stages: the stage's key, steps done, steps in all.

    ``total`` 0 means the stage cannot count its steps (a search bounded by time).
    """

    def __call__(self, stage: str, done: int, total: int, /) -> None: ...
