"""Checking every visit of a ``solve`` problem against the compliance engine, per crew size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from fieldvisit.app.solve.model import SolveProblem, VisitSpec
from fieldvisit.domain.compliance import (
    Candidate,
    Contact,
    RuleSet,
    Verdict,
    Violation,
    WallInterval,
    evaluate,
)
from fieldvisit.domain.enums import CaseState, Channel, Place

Histories = dict[str, tuple[Contact, ...]]


@dataclass(frozen=True)
class Checked:
    """A visit with its compliance verdict for each crew size in the problem."""

    visit: VisitSpec
    verdicts: dict[int, Verdict]

    def allowed_sizes(self) -> set[int]:
        return {size for size, verdict in self.verdicts.items() if not verdict.blocked}

    def blocking(self) -> list[Violation]:
        """Every blocking violation across crew sizes, each rule once."""
        seen: dict[str, Violation] = {}
        for verdict in self.verdicts.values():
            for violation in verdict.blocking:
                seen.setdefault(violation.rule, violation)
        return list(seen.values())


def histories(problem: SolveProblem) -> Histories:
    """A debtor's history is the union of the histories of all visits to that debtor."""
    union: dict[str, set[tuple[datetime, str, bool]]] = defaultdict(set)
    for visit in problem.visits:
        union[visit.debtor_id].update((h.at, h.channel, h.contacted) for h in visit.history)
    return {
        debtor: tuple(Contact(at, Channel(ch), talked) for at, ch, talked in sorted(entries))
        for debtor, entries in union.items()
    }


def check_visits(problem: SolveProblem, ruleset: RuleSet) -> list[Checked]:
    """Every visit's verdicts, in the problem's order."""
    history = histories(problem)
    sizes = sorted({len(crew.members) for crew in problem.crews})
    by_debtor: dict[str, list[VisitSpec]] = defaultdict(list)
    for visit in problem.visits:
        by_debtor[visit.debtor_id].append(visit)
    checked: dict[str, Checked] = {}
    for visits in by_debtor.values():
        admitted = 0
        for visit in sorted(visits, key=lambda v: (not v.required, -v.priority, v.id)):
            verdicts = {
                size: evaluate(_candidate(problem, visit, history, size, admitted), ruleset)
                for size in sizes
            }
            checked[visit.id] = Checked(visit, verdicts)
            admitted += bool(checked[visit.id].allowed_sizes())
    return [checked[visit.id] for visit in problem.visits]


def _candidate(
    problem: SolveProblem, visit: VisitSpec, history: Histories, size: int, admitted: int
) -> Candidate:
    return Candidate(
        debtor_id=visit.debtor_id,
        timezone=visit.location.timezone or problem.timezone,
        plan_date=problem.date,
        case_state=CaseState(visit.case_state),
        flags=visit.flags,
        place=Place(visit.place),
        lat=visit.location.lat,
        lon=visit.location.lon,
        service_minutes=visit.service_minutes,
        windows=tuple(WallInterval(s.start, s.end) for s in visit.windows),
        blackouts=tuple(WallInterval(s.start, s.end) for s in visit.blackouts),
        history=history.get(visit.debtor_id, ()),
        planned_same_day=admitted,
        crew_size=size,
    )


def seconds_after(midnight: datetime, minutes: int) -> int:
    """Elapsed seconds from local midnight to the wall-clock time ``minutes`` (DST-aware)."""
    # Aware-datetime arithmetic is wall-clock arithmetic; timestamps turn it into elapsed time.
    wall = midnight + timedelta(minutes=minutes)
    return int(wall.timestamp() - midnight.timestamp())


def instant(midnight: datetime, seconds: int) -> datetime:
    """The local time ``seconds`` of elapsed time after local midnight."""
    return datetime.fromtimestamp(midnight.timestamp() + seconds, midnight.tzinfo)
