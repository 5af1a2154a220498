"""Assembling printable visit records from the database: one plain ``VisitRecordDoc`` each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain import masking
from fieldvisit.domain.records import ApprovalLine, CheckLine, SafetyLine, VisitRecordDoc
from fieldvisit.i18n import catalogue, translate
from fieldvisit.storage import models as m


def _name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "—"
    user = session.get(m.User, user_id)
    return user.display_name if user is not None else f"#{user_id}"


def _checks(stop: m.RoundStop | None, lang: str) -> tuple[CheckLine, ...]:
    """The stop's checks as the compliance engine stored them: message id, parameters, source."""
    if stop is None:
        return ()
    lines = []
    for item in stop.checks.get("violations", []):
        message = str(item.get("message", ""))
        params = dict(item.get("params") or {})
        text = translate(message, lang, **params) if message in catalogue(lang) else message
        source = (item.get("source") or {}).get(lang)
        if source:
            text = f"{text}（{source}）" if lang == "zh" else f"{text} ({source})"
        rule = str(item.get("rule") or item.get("rule_id") or "")
        lines.append(CheckLine(rule, str(item.get("severity", "")), text))
    return tuple(lines)


def _approvals(session: Session, round_id: int | None) -> tuple[ApprovalLine, ...]:
    if round_id is None:
        return ()
    rows = session.scalars(
        select(m.Approval).where(m.Approval.round_id == round_id).order_by(m.Approval.decided_at)
    )
    return tuple(
        ApprovalLine(a.decision, _name(session, a.decided_by), a.decided_at, a.reason) for a in rows
    )


def _safety(session: Session, visit_id: int) -> tuple[SafetyLine, ...]:
    events = session.execute(
        select(m.SafetyEvent)
        .join(m.SafetySession, m.SafetySession.id == m.SafetyEvent.session_id)
        .where(m.SafetySession.visit_id == visit_id)
        .order_by(m.SafetyEvent.at, m.SafetyEvent.id)
    ).scalars()
    return tuple(SafetyLine(e.at, e.kind, _name(session, e.actor_id)) for e in events)


def _personal(debtor: m.Debtor, address: m.Address, full: bool) -> dict[str, str]:
    if full:
        return {
            "debtor_name": debtor.name,
            "debtor_id_number": debtor.id_number or "",
            "debtor_phone": debtor.phone or "",
            "address": address.text,
        }
    return {
        "debtor_name": debtor.name[:1] + masking.MASK * max(len(debtor.name) - 1, 1),
        "debtor_id_number": masking.mask_id_number(debtor.id_number) or "",
        "debtor_phone": masking.mask_phone(debtor.phone) or "",
        "address": masking.mask_address(address.text, address.district) or "",
    }


def _round_parts(session: Session, visit: m.Visit) -> tuple[m.RoundStop | None, m.Round | None]:
    stop = session.get(m.RoundStop, visit.round_stop_id) if visit.round_stop_id else None
    return stop, (session.get(m.Round, stop.round_id) if stop is not None else None)


def _visit_values(
    session: Session, visit: m.Visit, case: m.Case, crew: m.Crew, address: m.Address, lang: str
) -> dict[str, Any]:
    """What the visit, its round and its safety log contribute to the printed record."""
    stop, plan = _round_parts(session, visit)
    return {
        "case_number": case.case_number,
        "creditor": case.creditor.name,
        "team": crew.team.name,
        "crew": crew.name,
        "members": tuple(_name(session, member.user_id) for member in visit.members),
        "planned_start": visit.planned_start,
        "planned_end": visit.planned_end,
        "arrived_at": visit.arrived_at,
        "departed_at": visit.departed_at,
        "check_in_flag": visit.check_in_flag,
        "check_in_reason": visit.check_in_reason,
        "timezone": address.timezone,
        "rule_profile": plan.rule_profile if plan else "—",
        "ruleset_version": plan.ruleset_version if plan else "—",
        "checks": _checks(stop, lang),
        "approvals": _approvals(session, plan.id if plan else None),
        "safety": _safety(session, visit.id),
    }


def build_doc(session: Session, record: m.VisitRecord, *, full: bool, lang: str) -> VisitRecordDoc:
    """The printable form of ``record``; personal data masked unless ``full``."""
    visit = session.get_one(m.Visit, record.visit_id)
    case = session.get_one(m.Case, visit.case_id)
    address = session.get_one(m.Address, visit.address_id)
    crew = session.get_one(m.Crew, visit.crew_id)
    values = _visit_values(session, visit, case, crew, address, lang)
    values.update(
        record_id=record.id,
        version=record.version,
        supersedes_id=record.supersedes_id,
        correction_reason=record.correction_reason,
        notes=record.notes or "",
        evidence=tuple(str(e) for e in record.evidence),
        recorded_by=_name(session, record.recorded_by),
        anonymised=record.anonymised_at is not None,
        currency=case.currency,
    )
    for name in (
        "person_met",
        "outcome_code",
        "ptp_amount",
        "ptp_date",
        "payment_amount",
        "payment_method",
        "receipt_no",
        "next_action",
        "next_action_date",
        "recorded_at",
        "content_hash",
    ):
        values[name] = getattr(record, name)
    values.update(_personal(case.debtor, address, full))
    return VisitRecordDoc(**values)
