"""Saving rounds and deciding on them: draft, submit, approve or reject, with every step audited.

The service layer enforces the approval rules of domain/rounds.py: approvers are managers or
admins who are not members of the round's crew, a reason is always required, and an edit of an
approved round (before it starts) withdraws the approval and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from fieldvisit.domain import rounds as lifecycle
from fieldvisit.domain.access import Actor, Permission, may_see_team, require, require_team
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.enums import ApprovalDecision, RoundStatus, StopApproval, StopStatus
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.planning.conflicts import describe, round_race
from fieldvisit.services.planning.eligibility_model import RuleSetUsed, checks_document
from fieldvisit.services.planning.loading import load_crew
from fieldvisit.services.planning.model import PlannedStop, RoundPlan
from fieldvisit.services.planning.review import CrewChoice, RoundDetail, crew_choices, round_detail
from fieldvisit.storage import models as m


@dataclass(frozen=True)
class SavedRound:
    round_id: int
    version: int
    status: RoundStatus
    approval_withdrawn: bool


@dataclass(frozen=True)
class RoundSummary:
    """A round as the approval queue lists it."""

    round_id: int
    crew_id: int
    crew_name: str
    plan_date: date
    status: RoundStatus
    stops: int
    exceptions: int  # stops that need a manager's approval
    submitted_at: datetime | None
    version: int


class RoundService:
    def __init__(
        self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock
    ) -> None:
        self._session_factory = session_factory
        self._audit = audit
        self._clock = clock

    def save_draft(self, actor: Actor, plan: RoundPlan, expected_version: int | None) -> SavedRound:
        """Store ``plan`` as the crew's round for its date (all stops replaced, in one go)."""
        require(actor, Permission.PLAN_ROUND)
        race = round_race(self._session_factory, crew_id=plan.crew_id, day=plan.plan_date)
        with race, self._session_factory.begin() as s:
            return self._save(s, actor, plan, expected_version, team_plan_id=None)

    def save_team(
        self,
        actor: Actor,
        plans: Sequence[tuple[RoundPlan, int | None]],
        team_plan_id: str,
    ) -> list[SavedRound]:
        """Store several crews' rounds planned together: all of them, or none on any error."""
        require(actor, Permission.PLAN_ROUND)
        first = plans[0][0] if plans else None
        race = round_race(
            self._session_factory,
            crew_id=first.crew_id if first else None,
            day=first.plan_date if first else None,
        )
        with race, self._session_factory.begin() as s:
            return [
                self._save(s, actor, plan, version, team_plan_id=team_plan_id)
                for plan, version in plans
            ]

    def _save(
        self,
        s: Session,
        actor: Actor,
        plan: RoundPlan,
        expected_version: int | None,
        team_plan_id: str | None,
    ) -> SavedRound:
        crew = load_crew(s, plan.crew_id)
        require_team(actor, crew.team_id)
        existing = s.scalar(
            select(m.Round).where(
                m.Round.crew_id == plan.crew_id, m.Round.plan_date == plan.plan_date
            )
        )
        if existing is not None and existing.version != expected_version:
            raise describe(s, existing)
        outcome = lifecycle.edit(RoundStatus(existing.status)) if existing else None
        saved = existing or m.Round(
            crew_id=plan.crew_id,
            plan_date=plan.plan_date,
            created_by=actor.user_id,
            created_at=self._clock(),
        )
        before = snapshot(saved) if existing else None
        if existing is not None:
            # Old stops go first: the new ones reuse their sequence numbers.
            existing.stops.clear()
            s.flush()
        _fill(saved, plan, self._clock())
        saved.status = RoundStatus.DRAFT
        saved.team_plan_id = team_plan_id
        if existing is not None:
            flag_modified(saved, "updated_at")  # every save is a new version, even unchanged
        s.add(saved)
        s.flush()
        withdrawn = bool(outcome and outcome.withdraws_approval)
        if withdrawn:
            self._decide(s, actor, saved, ApprovalDecision.WITHDRAWN, "round.edited", saved.stops)
        self._audit.record(
            s,
            actor_id=actor.user_id,
            action="round.saved",
            entity_type="round",
            entity_id=saved.id,
            before=before,
            after=snapshot(saved),
        )
        return SavedRound(saved.id, saved.version, RoundStatus.DRAFT, withdrawn)

    def submit(self, actor: Actor, round_id: int) -> SavedRound:
        require(actor, Permission.PLAN_ROUND)
        with (
            round_race(self._session_factory, round_id=round_id),
            self._session_factory.begin() as s,
        ):
            saved = self._round(s, actor, round_id)
            saved.status = lifecycle.submit(RoundStatus(saved.status), len(saved.stops))
            saved.submitted_at = self._clock()
            s.flush()
            self._audit.record(
                s,
                actor_id=actor.user_id,
                action="round.submitted",
                entity_type="round",
                entity_id=saved.id,
                after=snapshot(saved),
            )
            return SavedRound(saved.id, saved.version, RoundStatus.SUBMITTED, False)

    def approve(self, actor: Actor, round_id: int, reason: str) -> SavedRound:
        return self._decision(actor, round_id, reason, ApprovalDecision.APPROVED)

    def reject(self, actor: Actor, round_id: int, reason: str) -> SavedRound:
        return self._decision(actor, round_id, reason, ApprovalDecision.REJECTED)

    def current_version(self, crew_id: int, day: date) -> int | None:
        """The version of the crew's saved round for ``day``, for an edit based on it."""
        with self._session_factory() as s:
            return s.scalar(
                select(m.Round.version).where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
            )

    def crew_members(self, crew_id: int) -> frozenset[int]:
        with self._session_factory() as s:
            return load_crew(s, crew_id).member_ids

    def crews(self, actor: Actor) -> list[CrewChoice]:
        """The crews the actor may plan for (the Plan screen's picker)."""
        require(actor, Permission.PLAN_ROUND)
        with self._session_factory() as s:
            return crew_choices(s, actor)

    def detail(self, actor: Actor, round_id: int) -> RoundDetail:
        """A saved round with every exception its stops carry (rule, severity, source)."""
        with self._session_factory() as s:
            saved = self._round(s, actor, round_id)
            crew = load_crew(s, saved.crew_id)
            return round_detail(s, saved, crew)

    def for_day(self, actor: Actor, crew_id: int, day: date) -> RoundDetail | None:
        """The crew's saved round for ``day``, if any (the Plan screen opens it for editing)."""
        require(actor, Permission.PLAN_ROUND)
        with self._session_factory() as s:
            crew = load_crew(s, crew_id)
            require_team(actor, crew.team_id)
            saved = s.scalar(
                select(m.Round).where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
            )
            return None if saved is None else round_detail(s, saved, crew)

    def queue(self, actor: Actor) -> list[RoundSummary]:
        """Submitted rounds the actor may decide on (never their own crew's)."""
        require(actor, Permission.APPROVE_ROUND)
        with self._session_factory() as s:
            awaiting = exists().where(
                m.RoundStop.round_id == m.Round.id, m.RoundStop.approval == StopApproval.PENDING
            )
            rows = s.scalars(
                select(m.Round)
                .where(
                    or_(
                        m.Round.status == RoundStatus.SUBMITTED,
                        and_(m.Round.status == RoundStatus.IN_PROGRESS, awaiting),
                    )
                )
                .order_by(m.Round.plan_date, m.Round.id)
            ).all()
            out = []
            for saved in rows:
                crew = load_crew(s, saved.crew_id)
                if actor.user_id in crew.member_ids or not may_see_team(actor, crew.team_id):
                    continue
                out.append(_summary(saved, crew.name))
            return out

    def _decision(
        self, actor: Actor, round_id: int, reason: str, decision: ApprovalDecision
    ) -> SavedRound:
        with (
            round_race(self._session_factory, round_id=round_id),
            self._session_factory.begin() as s,
        ):
            saved = self._round(s, actor, round_id)
            crew = load_crew(s, saved.crew_id)
            status = RoundStatus(saved.status)
            pending = [stop for stop in saved.stops if stop.approval == StopApproval.PENDING]
            lifecycle.decide(actor, status, crew.member_ids, reason, len(pending))
            approved = decision is ApprovalDecision.APPROVED
            for stop in pending:
                stop.approval = StopApproval.APPROVED if approved else StopApproval.REJECTED
                if status is RoundStatus.IN_PROGRESS and not approved:
                    # The crew must not make a visit the manager refused; the rest goes on.
                    stop.status = StopStatus.CANCELLED
            if status is RoundStatus.SUBMITTED:
                saved.status = RoundStatus.APPROVED if approved else RoundStatus.REJECTED
            s.flush()
            self._decide(s, actor, saved, decision, reason.strip(), pending)
            return SavedRound(saved.id, saved.version, RoundStatus(saved.status), False)

    def _decide(
        self,
        s: Session,
        actor: Actor,
        saved: m.Round,
        decision: ApprovalDecision,
        reason: str,
        stops: Sequence[m.RoundStop],
    ) -> None:
        """Record a decision on the exceptions of ``stops``, in its table and the audit log."""
        scope = [
            {"stop": stop.id, "case": stop.case_id, "rules": approval_rules(stop)}
            for stop in stops
            if approval_rules(stop)
        ]
        s.add(
            m.Approval(
                round_id=saved.id,
                decision=decision.value,
                reason=reason,
                scope=scope,
                round_version=saved.version,
                decided_by=actor.user_id,
                decided_at=self._clock(),
            )
        )
        self._audit.record(
            s,
            actor_id=actor.user_id,
            action=f"round.{decision.value}",
            entity_type="round",
            entity_id=saved.id,
            after={"reason": reason, "scope": scope, "version": saved.version},
        )

    def _round(self, s: Session, actor: Actor, round_id: int) -> m.Round:
        saved = s.get(m.Round, round_id)
        if saved is None:
            raise NotFoundError("round.error.not_found", round=round_id)
        require_team(actor, load_crew(s, saved.crew_id).team_id)
        return saved


def approval_rules(stop: m.RoundStop) -> list[str]:
    """The rules of a stop's exceptions that need a manager's approval."""
    violations = stop.checks.get("violations", [])
    return [v["rule"] for v in violations if v.get("severity") == "approve"]


def _fill(saved: m.Round, plan: RoundPlan, now: datetime) -> None:
    profile, version, digest = _ruleset_fields(plan.rulesets)
    saved.rule_profile, saved.ruleset_version, saved.ruleset_hash = profile, version, digest
    saved.shift_start, saved.shift_end = plan.depart, plan.return_
    saved.break_start, saved.break_end = plan.break_start, plan.break_end
    saved.travel_seconds, saved.travel_meters = plan.travel_seconds, plan.travel_meters
    saved.updated_at = now
    for seq, stop in enumerate(plan.stops, start=1):
        saved.stops.append(stored_stop(stop, seq))


def stored_stop(stop: PlannedStop, seq: int) -> m.RoundStop:
    """A planned stop as a row; its exceptions, if any, wait for a manager's approval."""
    row = m.RoundStop(
        case_id=stop.case_id,
        address_id=stop.address_id,
        seq=seq,
        pinned=stop.pinned,
        service_minutes=int((stop.end - stop.start).total_seconds() // 60),
        planned_arrive=stop.arrive,
        planned_start=stop.start,
        planned_end=stop.end,
        travel_seconds_before=stop.travel_seconds_before,
        checks=checks_document(stop.check),
        windows=[[w.start.isoformat(), w.end.isoformat()] for w in stop.windows],
    )
    row.approval = StopApproval.PENDING if approval_rules(row) else StopApproval.NONE
    return row


def _ruleset_fields(rulesets: tuple[RuleSetUsed, ...]) -> tuple[str, str, str]:
    """One rule set: its own fields; several (mixed jurisdictions): a hash over all of them."""
    if len(rulesets) == 1:
        only = rulesets[0]
        return only.profile_id, only.profile_version, only.ruleset_hash
    joined = "|".join(sorted(r.ruleset_hash for r in rulesets))
    profiles = "+".join(sorted({r.profile_id for r in rulesets}))[:16]
    return profiles or "-", "mixed", "sha256:" + hashlib.sha256(joined.encode()).hexdigest()


def snapshot(saved: m.Round) -> dict[str, object]:
    """What the audit log keeps of a round: status, rule set, each stop's case, time, approval."""
    return {
        "status": saved.status,
        "plan_date": saved.plan_date.isoformat(),
        "ruleset_hash": saved.ruleset_hash,
        "stops": [
            [
                stop.case_id,
                stop.planned_start.isoformat() if stop.planned_start else None,
                stop.approval,
            ]
            for stop in sorted(saved.stops, key=lambda stop: stop.seq)
        ],
    }


def _summary(saved: m.Round, crew_name: str) -> RoundSummary:
    # What the approver decides on: all exceptions of a submitted round, the new ones of a re-plan.
    exceptions = sum(1 for stop in saved.stops if stop.approval == StopApproval.PENDING)
    return RoundSummary(
        saved.id,
        saved.crew_id,
        crew_name,
        saved.plan_date,
        RoundStatus(saved.status),
        len(saved.stops),
        exceptions,
        saved.submitted_at,
        saved.version,
    )
