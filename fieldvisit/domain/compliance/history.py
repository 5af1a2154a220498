"""Per-debtor contact counts by age in days, counted as COMPLIANCE.md "How rules count" says."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fieldvisit.domain.compliance.intervals import midnights
from fieldvisit.domain.compliance.model import Contact
from fieldvisit.domain.enums import Channel


@dataclass(frozen=True)
class HistoryDigest:
    """Counts per age (0 = the plan date) up to ``horizon - 1`` days; older contacts only set flags.

    Age = plan date − contact date, both calendar dates in the debtor's time zone. Contacts dated
    after the plan date are ignored (they are not history yet).
    """

    horizon: int
    visits: tuple[int, ...]
    contacted_visits: tuple[int, ...]
    conversations: tuple[int, ...]
    #: Age of the most recent visit (any / contacted); ``None``: none within the horizon.
    last_visit_age: int | None
    last_contacted_visit_age: int | None
    last_conversation_age: int | None
    any_visit: bool

    def visits_within(self, days: int, contacted_only: bool = False) -> int:
        """Visits of age ``0 … days-1``."""
        counts = self.contacted_visits if contacted_only else self.visits
        return sum(counts[:days])


def digest(
    history: Iterable[Contact], tz_name: str, plan_date: date, horizon: int
) -> HistoryDigest:
    """Bucket ``history`` by age in one pass (local midnights computed once per zone and date)."""
    rows = ((c.at.timestamp(), c.channel, c.contacted) for c in history)
    return digest_rows(rows, tz_name, plan_date, horizon)


def digest_rows(
    rows: Iterable[tuple[float, str, bool]], tz_name: str, plan_date: date, horizon: int
) -> HistoryDigest:
    """Like ``digest`` for ``(epoch_seconds, channel, contacted)`` rows, e.g. straight from SQL.

    A database caller may pass only the rows of the last ``horizon`` days plus, when the debtor has
    an older visit, that one visit: the result is the same (``any_visit`` needs just one).
    """
    bounds = midnights(tz_name, plan_date, horizon - 1)  # midnight of day-(h-1) … day+1
    first, after, top = bounds[0], bounds[-1], horizon - 1
    visits, contacted_visits, conversations = [0] * horizon, [0] * horizon, [0] * horizon
    any_visit = False
    for ts, channel, contacted in rows:
        if ts >= after:
            continue
        is_visit = channel == Channel.VISIT
        any_visit = any_visit or is_visit
        if ts < first:
            continue
        age = top - (bisect_right(bounds, ts) - 1)
        if is_visit:
            visits[age] += 1
            if contacted:
                contacted_visits[age] += 1
        if contacted:
            conversations[age] += 1
    return HistoryDigest(
        horizon=horizon,
        visits=tuple(visits),
        contacted_visits=tuple(contacted_visits),
        conversations=tuple(conversations),
        last_visit_age=_first_nonzero(visits),
        last_contacted_visit_age=_first_nonzero(contacted_visits),
        last_conversation_age=_first_nonzero(conversations),
        any_visit=any_visit,
    )


def _first_nonzero(counts: list[int]) -> int | None:
    return next((age for age, n in enumerate(counts) if n), None)
