"""Gathering a crew's saved round into a printable route sheet, as approved, masked by role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain import masking
from fieldvisit.domain.access import Actor, Permission, allows, require, require_crew
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.errors import NotFoundError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.records import PrintMeta
from fieldvisit.i18n import translate
from fieldvisit.reports.route_sheet import render_route_sheet
from fieldvisit.reports.route_sheet_model import RouteSheetDoc, SheetStop
from fieldvisit.services.field.risk_register import assess
from fieldvisit.services.planning.eligibility import EligibilityService
from fieldvisit.services.planning.loading import CrewInfo, load_crew
from fieldvisit.services.records.anchor import chain_head
from fieldvisit.storage import models as m

# Rounds whose stops the crew may see in full: approved, or under way.
DECIDED_STATUSES = frozenset({"approved", "in_progress"})


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
                timezone=doc.timezone,
            )
        return render_route_sheet(doc, meta)

    def document(self, actor: Actor, crew_id: int, day: date) -> RouteSheetDoc:
        """The sheet's content; the crew of an approved round sees its doors in full (logged)."""
        if not (allows(actor, Permission.PLAN_ROUND) or allows(actor, Permission.APPROVE_ROUND)):
            require(actor, Permission.PLAN_ROUND)  # raises with the usual message
        with self._session_factory.begin() as s:
            crew = load_crew(s, crew_id)
            require_crew(actor, crew_id, crew.team_id)
            saved = s.scalar(
                select(m.Round).where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
            )
            if saved is None:
                raise NotFoundError("sheet.error.no_round", crew=crew.name, date=day.isoformat())
            full = _full(actor, saved, self._clock().astimezone(ZoneInfo(crew.timezone)).date())
            stops = [_stop(s, stop, full) for stop in saved.stops]
            header = _header(s, saved, crew)
            stored = {stop.case_id: stored_windows(stop.windows) for stop in saved.stops}
            planned_hash = {stop.case_id: stop.checks.get("ruleset_hash") for stop in saved.stops}
            if full:
                purpose = f"route sheet {crew.name} {day.isoformat()}"
                debtors = {s.get_one(m.Case, stop.case_id).debtor_id for stop in saved.stops}
                for debtor_id in sorted(debtors):
                    s.add(
                        m.AccessLog(
                            user_id=actor.user_id, debtor_id=debtor_id, at=self._clock(),
                            purpose=purpose,
                        )
                    )  # fmt: skip
        now, hashes = self._today(actor, crew_id, day, [stop.case_id for stop in saved.stops])
        windows = {c: stored[c] if stored[c] is not None else now.get(c, ()) for c in stored}
        # "The rules changed" = another rule set than the one the stop was checked against;
        # the day's own visits (which close today's windows) are no change of rules.
        changed = any(h is not None and hashes.get(c, h) != h for c, h in planned_hash.items())
        placed = tuple(
            SheetStop(**{**fields, "windows": windows.get(case_id) or ()})
            for case_id, fields in stops
        )
        return RouteSheetDoc(**header, stops=placed, rules_changed=changed, full_data=full)

    def _today(
        self, actor: Actor, crew_id: int, day: date, case_ids: list[int]
    ) -> tuple[dict[int, tuple[tuple[datetime, datetime], ...]], dict[int, str]]:
        """Today's windows (for stops saved before windows were kept) and rule set hashes.

        The one evaluation of the day's rules on the way from the saved round to the printer.
        """
        if not case_ids:
            return {}, {}
        found = self._eligibility.for_day(actor, day, crew_id, case_ids)
        windows = {c.case_id: tuple((i.start, i.end) for i in c.intervals) for c in found.cases}
        return windows, {c.case_id: c.ruleset.ruleset_hash for c in found.cases}


def stored_windows(value: Any) -> tuple[tuple[datetime, datetime], ...] | None:
    """``round_stops.windows`` as datetimes (None for a stop saved before windows were kept)."""
    if value is None:
        return None
    return tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in value)


def _full(actor: Actor, saved: m.Round, today: date) -> bool:
    """The crew members of an approved round, or a manager printing it for them, see it in full."""
    if masking.crew_sees_stop(actor, saved.crew_id, saved.status, saved.plan_date, today):
        return True
    return masking.sees_full_personal_data(actor) and saved.status in DECIDED_STATUSES


def _stop(s: Session, stop: m.RoundStop, full: bool) -> tuple[int, dict[str, Any]]:
    case = s.get_one(m.Case, stop.case_id)
    address = s.get_one(m.Address, stop.address_id)
    risk = assess(s, address.id)
    name = case.debtor.name
    exceptions = tuple(
        Message(str(v["message"]), dict(v.get("params", {})))
        for v in stop.checks.get("violations", [])
        if v.get("severity") == "approve"
    )
    shown = address.text if full else masking.mask_address(address.text, address.district)
    return stop.case_id, {
        "seq": stop.seq,
        "arrive": stop.planned_arrive,
        "start": stop.planned_start,
        "end": stop.planned_end,
        "case_number": case.case_number,
        "debtor": name if full else masking.mask_name(name),
        "address": shown or "",
        "lat": address.lat,
        "lon": address.lon,
        "risk_tier": risk.tier.value,
        "daylight_only": risk.daylight_only,
        "two_person": risk.two_person,
        "precautions": risk.checklist,
        "exceptions": exceptions,
        "approval": stop.approval,
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
