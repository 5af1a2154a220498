"""From database facts to engine candidates, and from verdicts to plain eligibility results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from fieldvisit.domain.compliance import (
    Candidate,
    HistoryDigest,
    RuleSet,
    Source,
    Verdict,
    Violation,
    digest_rows,
    effective_profile_id,
    evaluate,
    history_horizon,
    resolve,
)
from fieldvisit.domain.enums import CaseFlag, CaseState, Place, Severity
from fieldvisit.domain.messages import Message
from fieldvisit.services.planning import eligibility_load as load
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    RuleSetUsed,
    reasons_of,
    status_of,
)
from fieldvisit.services.planning.policy_store import ruleset_for

TWO_PERSON_SOURCE = Source(
    zh="地址风险登记：该地址须两人同行", en="Address risk register: two people must visit together"
)
_PLACES = {p.value: p for p in Place}
NO_RISK = load.AddressRisk(daylight_only=False, two_person=False)


@dataclass
class _Batch:
    """The facts of one batch of cases, each read with one query."""

    risks: dict[int, load.AddressRisk]
    consents: dict[int, set[str]]
    declared: dict[int, list[load.Declared]]
    planned: dict[int, list[int]]  # debtor → case ids of other rounds' stops that day
    sizes: dict[int, int]
    horizon: int
    history: dict[int, list[load.HistoryRow]]
    digests: dict[tuple[int, str], HistoryDigest] = field(default_factory=dict)


@dataclass
class BatchRun:
    """Evaluates batches of cases for one date and crew; rule sets are built once per run."""

    session: Session
    day: date
    crew_id: int | None
    crew_size: int | None
    profile_override: str | None = None
    service_minutes: int = 30
    #: Further visits to a debtor planned that day by the caller (e.g. the round being checked).
    extra_planned: Mapping[int, int] = field(default_factory=dict)
    contact_data_as_of: datetime | None = None
    rulesets: dict[tuple[int | None, str], tuple[RuleSet, RuleSetUsed]] = field(
        default_factory=dict
    )
    #: Crews whose saved rounds the caller re-plans (a team plan): their stops do not count.
    replacing: frozenset[int] = frozenset()

    def evaluate(self, cases: Mapping[int, load.CaseFacts]) -> list[CaseEligibility]:
        """Results for ``cases`` (one query per kind of fact, one for the whole history)."""
        if not cases:
            return []
        facts = list(cases.values())
        chosen = {f.case_id: self._ruleset(f) for f in facts}
        batch = self._load(facts, chosen)
        out = []
        for f in facts:
            ruleset, used = chosen[f.case_id]
            risk = batch.risks.get(f.address_id or -1, NO_RISK)
            crew_size = (
                self.crew_size if self.crew_id is not None else batch.sizes.get(f.crew_id or -1)
            )
            candidate = self._candidate(f, batch, risk, crew_size)
            verdict = evaluate(
                candidate, ruleset, self._digest(batch, f.debtor_id, candidate.timezone)
            )
            extra = _extra(f, self.day, ruleset, verdict, risk.two_person, crew_size)
            out.append(summarize(f, verdict, extra, used, self.contact_data_as_of))
        return out

    def _load(
        self, facts: list[load.CaseFacts], chosen: Mapping[int, tuple[RuleSet, RuleSetUsed]]
    ) -> _Batch:
        s = self.session
        debtors = sorted({f.debtor_id for f in facts})
        horizon = max(history_horizon(r) for r, _ in chosen.values())
        # Only rules that need a prior visit (the UK notice) look past the horizon.
        older = {
            f.debtor_id for f in facts if chosen[f.case_id][0].rule("notice_before_first_visit")
        }
        return _Batch(
            risks=load.load_risks(s, {f.address_id for f in facts if f.address_id is not None}),
            consents=load.load_consent_flags(s, debtors, self.day),
            declared=load.load_declarations(s, debtors),
            planned=_by_debtor(
                load.load_planned(s, debtors, self.day, self.crew_id, self.replacing)
            ),
            sizes=self._crew_sizes(facts),
            horizon=horizon,
            history=load.load_history(s, debtors, self.day, horizon, older),
        )

    def _digest(self, batch: _Batch, debtor_id: int, tz: str) -> HistoryDigest:
        # One digest per debtor and zone: a debtor's cases share the ledger.
        key = (debtor_id, tz)
        if key not in batch.digests:
            rows = batch.history.get(debtor_id, ())
            batch.digests[key] = digest_rows(rows, tz, self.day, batch.horizon)
        return batch.digests[key]

    def _ruleset(self, f: load.CaseFacts) -> tuple[RuleSet, RuleSetUsed]:
        profile = self.profile_override or effective_profile_id(f.base_profile, f.jurisdiction)
        key = (f.team_id, profile)
        if key not in self.rulesets:
            region = f.region_under(profile)
            self.rulesets[key] = ruleset_for(self.session, f.team_id, profile, self.day, region)
        return self.rulesets[key]

    def _crew_sizes(self, facts: list[load.CaseFacts]) -> dict[int, int]:
        if self.crew_id is not None:
            return {}
        # No crew chosen (the Cases screen): each case is judged with its assigned crew.
        return load.crew_sizes(self.session, {f.crew_id for f in facts if f.crew_id is not None})

    def _candidate(
        self, f: load.CaseFacts, batch: _Batch, risk: load.AddressRisk, crew_size: int | None
    ) -> Candidate:
        flags = set(f.flags) | batch.consents.get(f.debtor_id, set())
        if risk.daylight_only:
            flags.add(CaseFlag.DAYLIGHT_ONLY.value)
        mine = [
            d.declaration
            for d in batch.declared.get(f.debtor_id, ())
            if d.address_id is None or d.address_id == f.address_id
        ]
        windows, blackouts = resolve(mine, self.day) if mine else ((), ())
        planned = batch.planned.get(f.debtor_id, ())
        # Without a crew (the Cases screen) the case's own stop is not a second visit.
        others = len(planned) if self.crew_id is not None else sum(c != f.case_id for c in planned)
        return Candidate(
            debtor_id=str(f.debtor_id),
            # The address's zone, else the team's. A case with neither has no place to visit
            # (it is refused for that); UTC only lets the other rules still say what they find.
            timezone=f.timezone or f.team_timezone or "UTC",
            plan_date=self.day,
            case_state=_state(f, self.day),
            flags=frozenset(flags),
            place=_PLACES.get(f.address_kind, Place.OTHER),
            lat=f.lat,
            lon=f.lon,
            service_minutes=self.service_minutes,
            windows=windows,
            blackouts=blackouts,
            planned_same_day=others + self.extra_planned.get(f.debtor_id, 0),
            crew_size=crew_size,
        )


def _by_debtor(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for debtor, case in pairs:
        grouped.setdefault(debtor, []).append(case)
    return grouped


def _state(f: load.CaseFacts, day: date) -> CaseState:
    # A state with an end date (a Breathing Space moratorium) no longer applies after it.
    if f.state_until is not None and day > f.state_until:
        return CaseState.ACTIVE
    return CaseState(f.state)


def _extra(
    f: load.CaseFacts,
    day: date,
    ruleset: RuleSet,
    verdict: Verdict,
    two_person: bool,
    crew_size: int | None,
) -> tuple[Violation, ...]:
    """Day-level rules the data adds beyond the candidate: a legal hold, two-person notes."""
    found: list[Violation] = []
    hold = ruleset.profile.states.get(CaseState.LEGAL_HOLD.value)
    if f.legal_hold and _state(f, day) is not CaseState.LEGAL_HOLD and hold is not None:
        message = Message("compliance.case_state.legal_hold", {"state": "legal_hold"})
        found.append(
            Violation(f"{ruleset.profile_id}.state.legal_hold", hold.severity, message, hold.source)
        )
    already = any(v.rule.endswith(".min_collectors") for v in verdict.violations)
    if two_person and crew_size is not None and crew_size < 2 and not already:
        message = Message("eligibility.two_person.too_few", {"crew": crew_size, "min": 2})
        rule = f"{ruleset.profile_id}.min_collectors"
        found.append(Violation(rule, Severity.BLOCK, message, TWO_PERSON_SOURCE))
    return tuple(found)


def summarize(
    f: load.CaseFacts,
    verdict: Verdict,
    extra: tuple[Violation, ...],
    used: RuleSetUsed,
    as_of: datetime | None,
) -> CaseEligibility:
    """The plain result for one case (no allowed time when any block holds all day)."""
    violations = verdict.violations + extra
    all_day = verdict.blocked_all_day or any(
        v.severity is Severity.BLOCK and not v.slot for v in extra
    )
    return CaseEligibility(
        case_id=f.case_id,
        case_number=f.case_number,
        debtor_id=f.debtor_id,
        team_id=f.team_id,
        plan_date=verdict.plan_date,
        timezone=verdict.timezone,
        service_minutes=verdict.service_minutes,
        ruleset=used,
        status=status_of(violations),
        reasons=reasons_of(violations),
        contact_data_as_of=as_of,
        blocked_all_day=all_day,
        verdict=verdict,
        extra=extra,
    )


def planned_in(slots_debtors: list[int]) -> dict[int, int]:
    """Other visits each debtor gets within one list of slots (two cases of one debtor)."""
    counts = Counter(slots_debtors)
    return {debtor: n - 1 for debtor, n in counts.items() if n > 1}
