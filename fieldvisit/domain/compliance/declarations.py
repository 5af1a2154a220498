"""Debtor-declared availability (weekly or for one date) resolved into windows for a plan date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fieldvisit.domain.compliance.model import WallInterval
from fieldvisit.domain.enums import AvailabilityKind
from fieldvisit.domain.errors import ValidationError


@dataclass(frozen=True)
class Declaration:
    """ "Come between 18:00 and 20:30 on weekdays", "not on 12 Dec 09:00–12:00", …

    ``weekdays`` (0 = Monday … 6 = Sunday; empty = every day) makes it recurring; ``on_date``
    makes it apply to that date only. ``valid_from``/``valid_until`` (inclusive) bound either kind.
    """

    kind: AvailabilityKind
    interval: WallInterval
    weekdays: frozenset[int] = frozenset()
    on_date: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None

    def __post_init__(self) -> None:
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValidationError("compliance.input.bad_weekday", value=sorted(self.weekdays))
        if self.on_date is not None and self.weekdays:
            raise ValidationError("compliance.input.date_and_weekdays")

    def applies(self, day: date) -> bool:
        """True when this declaration is in force on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_until is not None and day > self.valid_until:
            return False
        if self.on_date is not None:
            return self.on_date == day
        return not self.weekdays or day.weekday() in self.weekdays


def resolve(
    declarations: Iterable[Declaration], day: date
) -> tuple[tuple[WallInterval, ...], tuple[WallInterval, ...]]:
    """``(windows, blackouts)`` for ``day``.

    Windows declared for that very date replace the recurring windows (the debtor said "this
    Tuesday only 10–12"); blackouts always add up, because each one narrows the allowed time.
    """
    active = [d for d in declarations if d.applies(day)]
    windows = [d for d in active if d.kind == AvailabilityKind.WINDOW]
    dated = [d for d in windows if d.on_date is not None]
    chosen = dated or windows
    blackouts = [d for d in active if d.kind == AvailabilityKind.BLACKOUT]
    return (
        tuple(sorted({d.interval for d in chosen}, key=_key)),
        tuple(sorted({d.interval for d in blackouts}, key=_key)),
    )


def _key(interval: WallInterval) -> tuple[int, int]:
    return interval.start, interval.end
