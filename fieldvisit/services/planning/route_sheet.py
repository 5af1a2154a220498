"""Gathering a crew's saved round into a printable route sheet (personal data always masked)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, allows, require, require_crew
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.domain.records import PrintMeta
from fieldvisit.i18n import translate
from fieldvisit.reports.route_sheet import render_route_sheet
from fieldvisit.reports.route_sheet_model import RouteSheetDoc, SheetStop
from fieldvisit.services.field.risk_register import assess
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.loading import CrewInfo, load_crew
from fieldvisit.services.records.anchor import chain_head
from fieldvisit.storage import models as m


class RouteSheetService:
    """The route sheet of a crew's saved round for a date, for its crew or a manager."""

    def __init__(
        self, session_factory: sessionmaker[Session], eligibility: EligibilityService, clock: Clock
    ) -> None:
        self._session_factory = session_factory
        self._eligibility = eligibility
        self._clock = clock

    def print_route(self, actor: Actor, crew_id: int, day: date, lang: str) -> bytes:
        doc = self.document(actor, crew_id, day)
        with self._session_factory() as s:
            meta = PrintMeta(
                title=translate("sheet.meta_title", lang, crew=doc.crew, date=day.isoformat()),
                printed_by=actor.display_name or f"#{actor.user_id}",
                printed_at=self._clock(),
                lang=lang,
                anchor=chain_head(s),
                subject=translate("sheet.meta_subject", lang),
                keywords=("FieldVisit", "route", doc.plan_date.isoformat()),
            )
        return render_route_sheet(doc, meta)

    def document(self, actor: Actor, crew_id: int, day: date) -> RouteSheetDoc:
        if not (allows(actor, Permission.PLAN_ROUND) or allows(actor, Permission.APPROVE_ROUND)):
            require(actor, Permission.PLAN_ROUND)  # raises with the usual message
        with self._session_factory() as s:
            crew = load_crew(s, crew_id)
            require_crew(actor, crew_id, crew.team_id)
            saved = s.scalar(
                select(m.Round).where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
            )
            if saved is None:
                raise NotFoundError("sheet.error.no_round", crew=crew.name, date=day.isoformat())
            stops = [_stop(s, stop) for stop in saved.stops]
            header = _header(s, saved, crew)
        windows = self._windows(actor, crew_id, day, [stop.case_id for stop in saved.stops])
        placed = tuple(
            SheetStop(**{**fields, "windows": windows.get(case_id, ())})
            for case_id, fields in stops
        )
        return RouteSheetDoc(**header, stops=placed)

    def _windows(
        self, actor: Actor, crew_id: int, day: date, case_ids: list[int]
    ) -> dict[int, tuple[tuple[datetime, datetime], ...]]:
        if not case_ids:
            return {}
        found = self._eligibility.for_day(actor, day, crew_id, case_ids)
        return {c.case_id: tuple((i.start, i.end) for i in c.intervals) for c in found.cases}


def _stop(s: Session, stop: m.RoundStop) -> tuple[int, dict[str, Any]]:
    case = s.get_one(m.Case, stop.case_id)
    address = s.get_one(m.Address, stop.address_id)
    risk = assess(s, address.id)
    name = case.debtor.name
    exceptions = tuple(
        str(v["rule"]) for v in stop.checks.get("violations", []) if v.get("severity") == "approve"
    )
    return stop.case_id, {
        "seq": stop.seq,
        "arrive": stop.planned_arrive,
        "start": stop.planned_start,
        "end": stop.planned_end,
        "case_number": case.case_number,
        "debtor": name[:1] + masking.MASK * max(len(name) - 1, 1),
        "address": masking.mask_address(address.text, address.district) or "",
        "lat": address.lat,
        "lon": address.lon,
        "risk_tier": risk.tier.value,
        "daylight_only": risk.daylight_only,
        "two_person": risk.two_person,
        "precautions": risk.checklist,
        "exceptions": exceptions,
    }


def _header(s: Session, saved: m.Round, crew: CrewInfo) -> dict[str, Any]:
    names = dict(s.execute(select(m.User.id, m.User.display_name)).all())
    approval = s.scalars(
        select(m.Approval).where(m.Approval.round_id == saved.id).order_by(m.Approval.id.desc())
    ).first()
    approved = approval is not None and approval.decision == "approved"
    return {
        "round_id": saved.id,
        "version": saved.version,
        "status": saved.status,
        "team": s.get_one(m.Team, crew.team_id).name,
        "crew": crew.name,
        "members": tuple(names.get(i, f"#{i}") for i in sorted(crew.member_ids)),
        "plan_date": saved.plan_date,
        "timezone": crew.timezone,
        "depart": saved.shift_start,
        "return_": saved.shift_end,
        "base": crew.base,
        "approver": names.get(approval.decided_by) if approved and approval else None,
        "approved_at": approval.decided_at if approved and approval else None,
        "approval_reason": approval.reason if approved and approval else None,
        "rule_profile": saved.rule_profile,
        "ruleset_version": saved.ruleset_version,
        "travel_seconds": saved.travel_seconds or 0,
        "travel_meters": saved.travel_meters or 0,
    }
