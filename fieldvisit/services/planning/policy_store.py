"""Reading organisation policies: the version in force for a team, profile and date."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.compliance import Policy, RuleSet, build_ruleset, load_profile
from fieldvisit.domain.errors import ValidationError
from fieldvisit.services.planning.eligibility_model import RuleSetUsed
from fieldvisit.storage import models as m

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PolicyInForce:
    version: int
    settings: Mapping[str, Any]
    effective_from: date


def policy_in_force(
    s: Session, team_id: int | None, profile: str, day: date
) -> PolicyInForce | None:
    """The team's latest policy version for ``profile`` with ``effective_from <= day``.

    A policy saved without a team (organisation-wide) applies to teams that have none of their own.
    """
    owner = m.Policy.team_id.is_(None) if team_id is None else m.Policy.team_id == team_id
    statement = (
        select(m.Policy.version, m.Policy.settings, m.Policy.effective_from)
        .where(owner, m.Policy.profile == profile, m.Policy.effective_from <= day)
        .order_by(m.Policy.version.desc())
        .limit(1)
    )
    row = s.execute(statement).first()
    if row is None and team_id is not None:
        return policy_in_force(s, None, profile, day)
    return None if row is None else PolicyInForce(row[0], dict(row[1] or {}), row[2])


def ruleset_for(
    s: Session, team_id: int | None, profile_id: str, day: date, holiday_region: str | None = None
) -> tuple[RuleSet, RuleSetUsed]:
    """The profile with the team's policy in force on ``day`` and its holiday region applied,
    and what was used."""
    profile = load_profile(profile_id)
    found = policy_in_force(s, team_id, profile_id, day)
    ruleset = build_ruleset(
        profile,
        _tolerant_policy(profile_id, found.settings) if found else None,
        holiday_region,
    )
    used = RuleSetUsed(
        team_id=team_id,
        profile_id=ruleset.profile_id,
        profile_version=ruleset.version,
        policy_version=found.version if found else None,
        ruleset_hash=ruleset.hash,
        holiday_region=ruleset.holiday_region,
    )
    return ruleset, used


def _tolerant_policy(profile_id: str, settings: Mapping[str, Any]) -> Policy:
    # A stored policy was stricter when saved; if a newer profile file became stricter still, the
    # profile wins for that key and the policy's other keys keep applying (never looser).
    profile = load_profile(profile_id)
    kept: dict[str, Any] = {}
    for key, value in settings.items():
        try:
            build_ruleset(profile, Policy.from_mapping({key: value}))
        except ValidationError as exc:
            _log.warning("policy key %s ignored for %s: %s", key, profile_id, exc)
            continue
        kept[key] = value
    return Policy.from_mapping(kept)
