"""Compliance engine: rule profiles as data, every visit checked and explained.

Typical use (one rule set per team and date, one candidate per case)::

    ruleset = build_ruleset(load_profile("CN"), Policy.from_mapping(policy_json))
    verdict = evaluate(Candidate(...), ruleset)
    verdict.blocked, verdict.needs_approval, verdict.intervals, verdict.check_slot(start)
"""

from __future__ import annotations

from fieldvisit.domain.compliance.declarations import Declaration, resolve
from fieldvisit.domain.compliance.engine import evaluate, evaluate_all, history_horizon
from fieldvisit.domain.compliance.history import HistoryDigest, digest, digest_rows
from fieldvisit.domain.compliance.model import Candidate, Contact, Source, Violation, WallInterval
from fieldvisit.domain.compliance.policy import Policy, RuleSet, build_ruleset, ruleset_hash
from fieldvisit.domain.compliance.profiles import (
    DEFAULT_PROFILE,
    PROFILE_IDS,
    Profile,
    available_profiles,
    effective_profile_id,
    load_profile,
    parse_profile,
)
from fieldvisit.domain.compliance.verdict import Verdict

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_IDS",
    "Candidate",
    "Contact",
    "Declaration",
    "HistoryDigest",
    "Policy",
    "Profile",
    "RuleSet",
    "Source",
    "Verdict",
    "Violation",
    "WallInterval",
    "available_profiles",
    "build_ruleset",
    "digest",
    "digest_rows",
    "effective_profile_id",
    "evaluate",
    "evaluate_all",
    "history_horizon",
    "load_profile",
    "parse_profile",
    "resolve",
    "ruleset_hash",
]
