"""Which cases a crew may visit on a date, when, and why not: the compliance engine on real data.

For a batch of cases the service reads each kind of fact with one query (cases with their visit
address and team, risk notes, consents, declared availability, other rounds' stops, and the
contact history over the ``(debtor_id, occurred_at)`` index, only as far back as the rule sets
look), evaluates every case with the rule set of its effective profile and its team's policy in
force on that date, and returns plain results that name the profile, version and rule-set hash.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, may_see_team
from fieldvisit.domain.enums import Severity
from fieldvisit.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from fieldvisit.services.cases.scope import visible_cases
from fieldvisit.services.planning import eligibility_load as load
from fieldvisit.services.planning.eligibility_build import BatchRun, planned_in
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    DayEligibility,
    Eligibility,
    SlotCheck,
    SlotRequest,
    reasons_of,
    status_of,
)
from fieldvisit.storage import models as m

#: Cases per batch: each kind of fact is one query per batch (ids travel as one parameter).
BATCH_SIZE = 5000
MAX_SERVICE_MINUTES = 24 * 60


class EligibilityService:
    """Eligibility of cases for a crew and date, read-only (one short session per call)."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def for_day(
        self,
        actor: Actor,
        day: date,
        crew_id: int | None,
        case_ids: Sequence[int] | None = None,
        *,
        profile: str | None = None,
        service_minutes: int = 30,
        replacing: Collection[int] = (),
    ) -> DayEligibility:
        """Every case of ``case_ids`` (default: ``_crew_cases``) the actor may see.

        ``crew_id`` None judges each case with its own assigned crew. ``profile`` replaces every
        case's effective profile (a what-if). Results keep the order of ``case_ids``. The saved
        rounds of the crews in ``replacing`` (a team re-plan) are not counted as other visits.
        """
        return self._run(actor, day, crew_id, case_ids, profile, service_minutes, {}, replacing)

    def for_case(
        self,
        actor: Actor,
        case_ref: int | str,
        day: date,
        crew_id: int | None = None,
        *,
        profile: str | None = None,
        service_minutes: int = 30,
    ) -> CaseEligibility:
        """One case, by id or case number (the CLI and the Cases screen's detail pane)."""
        case_id = self.resolve_case(actor, case_ref)
        found = self._run(actor, day, crew_id, [case_id], profile, service_minutes, {})
        return found.cases[0]

    def slot_verdicts(
        self,
        actor: Actor,
        day: date,
        crew_id: int | None,
        slots: Sequence[SlotRequest],
        replacing: Collection[int] = (),
    ) -> tuple[SlotCheck, ...]:
        """Re-check stops at fixed start times (the planning screen's fixed order).

        Two stops for one debtor in ``slots`` count against each other's ``max_per_day``.
        """
        naive = next((slot for slot in slots if slot.start.utcoffset() is None), None)
        if naive is not None:
            raise ValidationError("eligibility.error.naive_start", case=naive.case_id)
        ids = list(dict.fromkeys(slot.case_id for slot in slots))
        with self._session_factory() as s:
            debtors = dict(
                s.execute(select(m.Case.id, m.Case.debtor_id).where(m.Case.id.in_(ids))).all()
            )
        extra = planned_in([debtors[slot.case_id] for slot in slots if slot.case_id in debtors])
        day_result = self._run(actor, day, crew_id, ids, None, 30, extra, replacing)
        by_case = day_result.by_case()
        missing = [i for i in ids if i not in by_case]
        if missing:
            raise NotFoundError("eligibility.error.no_case", case=missing[0])
        return tuple(_slot(by_case[slot.case_id], slot) for slot in slots)

    def eligible_filter(
        self, actor: Actor, *, include_approval: bool = True
    ) -> Callable[[Sequence[int], date], Collection[int]]:
        """The Cases screen's ``EligibilityFilter``: ids that may be planned on ``day``."""
        accepted = {Eligibility.ELIGIBLE}
        if include_approval:
            accepted.add(Eligibility.NEEDS_APPROVAL)

        def eligible(case_ids: Sequence[int], day: date) -> Collection[int]:
            found = self.for_day(actor, day, None, case_ids)
            return {c.case_id for c in found.cases if c.status in accepted}

        return eligible

    def resolve_case(self, actor: Actor, case_ref: int | str) -> int:
        """A case id from an id or a case number; refused when the actor may not see it."""
        ref = str(case_ref).strip()
        columns = select(m.Case.id, m.Case.team_id)
        with self._session_factory() as s:
            rows = s.execute(columns.where(m.Case.id == int(ref))).all() if ref.isdigit() else []
            if not rows:
                rows = s.execute(columns.where(m.Case.case_number == ref)).all()
        if not rows:
            raise NotFoundError("eligibility.error.no_case", case=ref)
        if len(rows) > 1:
            raise ValidationError("eligibility.error.ambiguous_case", case=ref, count=len(rows))
        case_id, team_id = rows[0]
        if not may_see_team(actor, team_id):
            raise PermissionDeniedError("eligibility.error.not_visible", case=ref)
        return case_id

    def _run(
        self,
        actor: Actor,
        day: date,
        crew_id: int | None,
        case_ids: Sequence[int] | None,
        profile: str | None,
        service_minutes: int,
        extra: dict[int, int],
        replacing: Collection[int] = (),
    ) -> DayEligibility:
        if not 0 < service_minutes <= MAX_SERVICE_MINUTES:
            raise ValidationError("eligibility.error.bad_service", value=service_minutes)
        if crew_id is None and case_ids is None:
            raise ValidationError("eligibility.error.no_selection")
        visible = visible_cases(actor)  # refuses an actor who may see no cases
        with self._session_factory() as s:
            crew_size = self._crew_size(s, actor, crew_id)
            if case_ids is None:
                case_ids = _crew_cases(s, crew_id, day)
            as_of = load.ledger_as_of(s)
            run = BatchRun(
                s,
                day,
                crew_id,
                crew_size,
                profile,
                service_minutes,
                extra,
                as_of,
                replacing=frozenset(replacing),
            )
            results: dict[int, CaseEligibility] = {}
            for batch in _batches(list(dict.fromkeys(case_ids)), BATCH_SIZE):
                for result in run.evaluate(load.load_cases(s, batch, visible)):
                    results[result.case_id] = result
        ordered = tuple(results[i] for i in dict.fromkeys(case_ids) if i in results)
        used = tuple(dict.fromkeys(u for _, u in run.rulesets.values()))
        return DayEligibility(day, crew_id, crew_size, ordered, used, as_of)

    def _crew_size(self, s: Session, actor: Actor, crew_id: int | None) -> int | None:
        if crew_id is None:
            return None
        crew = s.get(m.Crew, crew_id)
        if crew is None:
            raise NotFoundError("eligibility.error.no_crew", crew=crew_id)
        if not may_see_team(actor, crew.team_id):
            raise PermissionDeniedError("eligibility.error.crew_not_visible", crew=crew_id)
        return load.crew_sizes(s, [crew_id]).get(crew_id, 0)


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _slot(result: CaseEligibility, slot: SlotRequest) -> SlotCheck:
    minutes = slot.service_minutes or result.service_minutes
    verdict = result.verdict
    violations = verdict.check_slot(slot.start, minutes) + result.extra
    blocked_by_extra = any(v.severity is Severity.BLOCK for v in result.extra)
    start = slot.start.astimezone(ZoneInfo(verdict.timezone))
    return SlotCheck(
        case_id=result.case_id,
        start=start,
        end=start + timedelta(minutes=minutes),
        fits=verdict.fits(slot.start, minutes) and not blocked_by_extra,
        status=status_of(violations),
        reasons=reasons_of(violations),
        ruleset=result.ruleset,
    )


def _crew_cases(s: Session, crew_id: int | None, day: date) -> list[int]:
    """The crew's assigned cases, then those on its saved round for ``day`` that are not.

    A team plan may hand a crew an unassigned case; that round must still open in Plan a day.
    """
    assigned = list(
        s.scalars(select(m.Case.id).where(m.Case.crew_id == crew_id).order_by(m.Case.id))
    )
    on_round = s.scalars(
        select(m.RoundStop.case_id)
        .join(m.Round, m.Round.id == m.RoundStop.round_id)
        .where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
        .order_by(m.RoundStop.seq)
    )
    known = set(assigned)
    return assigned + [case_id for case_id in on_round if case_id not in known]
