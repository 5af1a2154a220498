"""Evaluate one candidate visit against a rule set: the entry point of the compliance engine.

How the time-of-day rules manifest:

* ``night`` (and the organisation policy window), ``blackout`` (the debtor's declared windows
  minus blackouts) and ``daylight_only`` (the visit ends ``minutes_before_sunset`` before local
  sunset) are *layers* of allowed instants on the plan date. The verdict's intervals are their
  intersection and are meant for the **whole** visit: a visit fits when ``[start, start + service)``
  lies inside one interval; ``Verdict.start_windows`` gives the matching ranges of start times.
* With the flag ``consent_after_hours`` the contact layer is the consent window; the
  ``consent_after_hours`` severity then applies to slots outside the normal window (reported by
  ``Verdict.check_slot``), and a profile where that rule is ``block`` does not widen at all.
* When no interval can hold the service time, the visit is blocked with the responsible rules
  (``CN.night``, ``CN.blackout``, ``CN.daylight_only``, message ``…no_time``): each layer too
  tight on its own; else each too tight together with the contact window; else every other
  restricting layer (only their combination leaves no room).
* ``Candidate.requested_start`` additionally reports every layer the requested slot leaves
  (message ``…outside``); such violations have ``slot=True``. A planner that picks a start
  itself calls ``Verdict.check_slot(start)`` for the stop's ``needs_approval`` and ``warnings``.
* Day-level rules (case state, calendar, counts, place, flags) are in ``rules``; a visit blocked
  by one has no allowed intervals (``Verdict.time_intervals`` still shows the time-of-day answer).
* Counting follows COMPLIANCE.md "How rules count": ages are calendar days in the address's zone
  (``history``); ``planned_same_day`` counts only towards ``max_per_day``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fieldvisit.domain.compliance.history import HistoryDigest, digest
from fieldvisit.domain.compliance.intervals import intersect
from fieldvisit.domain.compliance.model import Candidate, Violation
from fieldvisit.domain.compliance.policy import RuleSet
from fieldvisit.domain.compliance.rules import Context, day_violations
from fieldvisit.domain.compliance.verdict import Verdict
from fieldvisit.domain.compliance.windows import (
    build_layers,
    hard_spans,
    no_time_violations,
    slot_violations,
)


def history_horizon(ruleset: RuleSet) -> int:
    """How many days back the counting rules look (so older contacts can be skipped early)."""
    days = [1]
    for name, key in (
        ("min_gap_days", "days"),
        ("max_per_30_days", "window_days"),
        ("after_conversation", "days"),
    ):
        spec = ruleset.rule(name)
        if spec is not None:
            days.append(spec.number(key))
    return max(days)


def evaluate(
    candidate: Candidate, ruleset: RuleSet, history: HistoryDigest | None = None
) -> Verdict:
    """The verdict for ``candidate``; ``history`` may be a digest the caller already built."""
    horizon = history_horizon(ruleset)
    if history is None:
        history = digest(candidate.history, candidate.timezone, candidate.plan_date, horizon)
    elif history.horizon < horizon:
        raise ValueError(f"history digest covers {history.horizon} days; the rules need {horizon}")
    day_level = tuple(day_violations(Context(candidate, ruleset, history)))
    layers = build_layers(candidate, ruleset)
    spans = hard_spans(candidate, layers)
    clean = spans
    for layer in layers:
        if layer.kind == "soft":
            clean = intersect(clean, layer.spans)
    found: list[Violation] = [*day_level]
    found += no_time_violations(layers, spans, 60 * candidate.service_minutes)
    if candidate.requested_start is not None:
        found += slot_violations(
            layers, candidate.timezone, candidate.requested_start, candidate.service_minutes
        )
    return Verdict(
        debtor_id=candidate.debtor_id,
        profile_id=ruleset.profile_id,
        profile_version=ruleset.version,
        ruleset_hash=ruleset.hash,
        plan_date=candidate.plan_date,
        timezone=candidate.timezone,
        service_minutes=candidate.service_minutes,
        time_spans=spans,
        clean_spans=clean,
        violations=tuple(found),
        layers=layers,
        day_level=day_level,
    )


def evaluate_all(candidates: Iterable[Candidate], ruleset: RuleSet) -> list[Verdict]:
    """Verdicts for many candidates under one rule set (the per-day batch the service runs)."""
    return [evaluate(c, ruleset) for c in candidates]
