"""What ``fieldvisit check`` prints beyond the verdict: the hours that need approval, one slot's
answer, and the whole answer as JSON for scripts."""

from __future__ import annotations

from typing import Any

from fieldvisit.i18n import render, translate
from fieldvisit.services.planning.eligibility_model import (
    CaseEligibility,
    Reason,
    SlotCheck,
    TimeInterval,
)


def approval_hours(
    result: CaseEligibility,
) -> tuple[tuple[TimeInterval, ...], tuple[TimeInterval, ...]]:
    """The allowed intervals split into those free of any slot-level rule and the rest (e.g. the
    widened hours of a consent to after-hours visits, which a manager must approve)."""
    verdict = result.verdict
    if result.blocked_all_day:
        return (), ()
    clean = tuple(TimeInterval(a, b) for a, b in verdict.clean_intervals)
    rest: list[TimeInterval] = []
    for a, b in verdict.intervals:
        cursor = a
        for c in clean:
            if c.end <= cursor or c.start >= b:
                continue
            if c.start > cursor:
                rest.append(TimeInterval(cursor, c.start))
            cursor = max(cursor, c.end)
        if cursor < b:
            rest.append(TimeInterval(cursor, b))
    return clean, tuple(rest)


def explain_slot(slot: SlotCheck, lang: str) -> list[str]:
    status = "blocked" if not slot.fits else slot.status.value
    lines = [
        translate(
            "check.cli.slot",
            lang,
            start=f"{slot.start:%H:%M}",
            end=f"{slot.end:%H:%M}",
            status=translate(f"eligibility.status.{status}", lang),
        )
    ]
    for reason in slot.reasons:
        severity = translate(f"compliance.severity.{reason.severity.value}", lang)
        lines.append(f"  [{severity}] {reason.rule}: {render(reason.message, lang)}")
    return lines


def _reason(reason: Reason, lang: str) -> dict[str, Any]:
    return {
        "rule": reason.rule, "severity": reason.severity.value,
        "message": render(reason.message, lang), "source": reason.source.text(lang),
    }  # fmt: skip


def _spans(intervals: tuple[TimeInterval, ...]) -> list[dict[str, str]]:
    return [{"start": f"{i.start:%H:%M}", "end": f"{i.end:%H:%M}"} for i in intervals]


def check_document(
    result: CaseEligibility, slot: SlotCheck | None, crew: int | None, lang: str
) -> dict[str, Any]:
    """The answer as JSON: status, allowed and needs-approval hours, reasons, and the slot."""
    clean, approval = approval_hours(result)
    used = result.ruleset
    document: dict[str, Any] = {
        "case_id": result.case_id, "case_number": result.case_number,
        "date": result.plan_date.isoformat(), "crew": crew, "timezone": result.timezone,
        "profile": used.profile_id, "profile_version": used.profile_version,
        "ruleset_hash": used.ruleset_hash, "status": result.status.value,
        "allowed": _spans(clean), "needs_approval": _spans(approval),
        "reasons": [_reason(r, lang) for r in result.reasons],
    }  # fmt: skip
    if slot is not None:
        document["slot"] = {
            "start": slot.start.isoformat(), "end": slot.end.isoformat(), "fits": slot.fits,
            "status": "blocked" if not slot.fits else slot.status.value,
            "reasons": [_reason(r, lang) for r in slot.reasons],
        }  # fmt: skip
    return document
