"""The policy editor's use cases: view profiles, read and save per-team policy versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, require, require_team, sees_all_teams
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.compliance import (
    PROFILE_IDS,
    Policy,
    Profile,
    Source,
    available_profiles,
    build_ruleset,
    load_profile,
)
from fieldvisit.domain.enums import Severity
from fieldvisit.domain.errors import ConflictError, NotFoundError, ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.policy_store import PolicyInForce, policy_in_force
from fieldvisit.storage import models as m

MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class RuleRow:
    """One line of a profile table: a rule or a case state, with its value and source."""

    rule_id: str  # "CN.night", "CN.state.disputed"
    name: str  # "night", "state.disputed"
    severity: Severity
    value: str  # "08:00–22:00", "days=7", "" …
    flags: Mapping[str, Severity]
    source: Source


@dataclass(frozen=True)
class ProfileView:
    id: str
    version: str
    name: Source
    rules: tuple[RuleRow, ...]


@dataclass(frozen=True)
class PolicyVersion:
    team_id: int | None
    profile: str
    version: int
    settings: Mapping[str, Any]
    effective_from: date
    reason: str
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class TeamPolicy:
    """A team, its default profile and its policy versions (newest first) for one profile."""

    team_id: int
    code: str
    name: str
    default_profile: str
    profile: str
    in_force: int | None  # the version in force today, if any
    versions: tuple[PolicyVersion, ...]


@dataclass(frozen=True)
class FieldProblem:
    """Why one setting is refused (``compliance.policy.looser`` / ``.invalid`` …)."""

    key: str
    message: Message


def profile_view(profile_id: str) -> ProfileView:
    """A shipped profile as table rows: every rule, then every case state."""
    profile = load_profile(profile_id)
    rows = [_rule_row(profile, name) for name in profile.rules]
    rows += [
        RuleRow(f"{profile.id}.state.{s.state}", f"state.{s.state}", s.severity, "", {}, s.source)
        for s in profile.states.values()
    ]
    return ProfileView(profile.id, profile.version, profile.name, tuple(rows))


def _rule_row(profile: Profile, name: str) -> RuleRow:
    spec = profile.rules[name]
    parts = [str(spec.window)] if spec.window is not None else []
    parts += [f"{k}={v}" for k, v in spec.numbers.items()]
    parts += [f"{k}={'yes' if v else 'no'}" for k, v in spec.switches.items() if v]
    return RuleRow(
        f"{profile.id}.{name}", name, spec.severity, ", ".join(parts), dict(spec.flags), spec.source
    )


def check_settings(profile_id: str, settings: Mapping[str, Any]) -> tuple[FieldProblem, ...]:
    """Every refused setting with its reason, each key judged alone (for inline messages)."""
    profile = load_profile(profile_id)
    problems = []
    for key, value in settings.items():
        try:
            build_ruleset(profile, Policy.from_mapping({key: value}))
        except ValidationError as exc:
            problems.append(FieldProblem(key, exc.message))
    return tuple(problems)


class PolicyEditor:
    """Profiles are read by anyone; policies are read per visible team and saved by compliance."""

    def __init__(
        self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock
    ) -> None:
        self._session_factory = session_factory
        self._audit = audit
        self._clock = clock

    def profiles(self) -> tuple[ProfileView, ...]:
        return tuple(profile_view(p) for p in available_profiles())

    def teams(self, actor: Actor, profile: str | None = None) -> tuple[TeamPolicy, ...]:
        """Each team the actor may see with its policy versions for ``profile`` (default: the
        team's own profile)."""
        statement = select(m.Team).order_by(m.Team.name)
        if not sees_all_teams(actor):
            statement = statement.where(m.Team.id == actor.team_id)
        with self._session_factory() as s:
            return tuple(self._team(s, team, profile) for team in s.scalars(statement))

    def team(self, actor: Actor, team_id: int, profile: str | None = None) -> TeamPolicy:
        require_team(actor, team_id)
        with self._session_factory() as s:
            team = s.get(m.Team, team_id)
            if team is None:
                raise NotFoundError("policy.error.no_team", team=team_id)
            return self._team(s, team, profile)

    def save(
        self,
        actor: Actor,
        team_id: int,
        profile: str,
        settings: Mapping[str, Any],
        effective_from: date,
        reason: str,
    ) -> PolicyVersion:
        """A new policy version; a looser or malformed value is refused and nothing changes."""
        require(actor, Permission.EDIT_POLICY)
        reason = reason.strip()
        if not reason:
            raise ValidationError("policy.error.reason_required")
        if len(reason) > MAX_REASON_LENGTH:
            raise ValidationError("policy.error.reason_too_long", limit=MAX_REASON_LENGTH)
        policy = _validated(profile, settings)
        try:
            with self._session_factory.begin() as s:
                return self._save(s, actor, team_id, profile, policy, effective_from, reason)
        except IntegrityError as exc:  # another editor saved the same version number first
            raise ConflictError("policy.error.conflict", team=team_id, profile=profile) from exc

    def _save(
        self,
        s: Session,
        actor: Actor,
        team_id: int,
        profile: str,
        policy: Policy,
        effective_from: date,
        reason: str,
    ) -> PolicyVersion:
        team = s.get(m.Team, team_id)
        if team is None:
            raise NotFoundError("policy.error.no_team", team=team_id)
        today = self._clock().astimezone(ZoneInfo(team.timezone)).date()
        if effective_from < today:
            raise ValidationError(
                "policy.error.past_date", date=effective_from.isoformat(), today=today.isoformat()
            )
        before = policy_in_force(s, team_id, profile, effective_from)
        latest = s.scalar(
            select(func.max(m.Policy.version)).where(
                m.Policy.team_id == team_id, m.Policy.profile == profile
            )
        )
        row = m.Policy(
            team_id=team_id,
            profile=profile,
            version=(latest or 0) + 1,
            settings=policy.to_mapping(),
            effective_from=effective_from,
            reason=reason,
            created_by=actor.user_id or None,
            created_at=self._clock(),
        )
        s.add(row)
        s.flush()
        self._record(s, actor, row, before)
        return _version(row)

    def _record(
        self, s: Session, actor: Actor, row: m.Policy, before: PolicyInForce | None
    ) -> None:
        ruleset = build_ruleset(load_profile(row.profile), Policy.from_mapping(row.settings))
        self._audit.record(
            s,
            actor_id=actor.user_id or None,
            action="policy.saved",
            entity_type="policy",
            entity_id=row.id,
            before=None if before is None else {"version": before.version, **before.settings},
            after={
                "team_id": row.team_id,
                "profile": row.profile,
                "version": row.version,
                "settings": row.settings,
                "effective_from": row.effective_from.isoformat(),
                "reason": row.reason,
                "ruleset_hash": ruleset.hash,
            },
        )

    def _team(self, s: Session, team: m.Team, profile: str | None) -> TeamPolicy:
        chosen = profile or team.rule_profile
        rows = s.scalars(
            select(m.Policy)
            .where(m.Policy.team_id == team.id, m.Policy.profile == chosen)
            .order_by(m.Policy.version.desc())
        )
        today = self._clock().astimezone(ZoneInfo(team.timezone)).date()
        current = policy_in_force(s, team.id, chosen, today)
        return TeamPolicy(
            team.id,
            team.code,
            team.name,
            team.rule_profile,
            chosen,
            None if current is None else current.version,
            tuple(_version(r) for r in rows),
        )


def _validated(profile: str, settings: Mapping[str, Any]) -> Policy:
    if profile not in PROFILE_IDS and profile not in available_profiles():
        raise ValidationError(
            "compliance.profile.unknown", profile=profile, available=", ".join(available_profiles())
        )
    if not isinstance(settings, Mapping):
        raise ValidationError("policy.error.not_object")
    policy = Policy.from_mapping(settings)
    build_ruleset(load_profile(profile), policy)  # raises compliance.policy.looser
    return policy


def _version(row: m.Policy) -> PolicyVersion:
    return PolicyVersion(
        row.team_id,
        row.profile,
        row.version,
        dict(row.settings),
        row.effective_from,
        row.reason,
        row.created_by,
        row.created_at,
    )
