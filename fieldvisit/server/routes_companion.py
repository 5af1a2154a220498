"""The phone companion: its web app, its words, and the crew member's day and session."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from fieldvisit.domain.outcomes import NextAction, OutcomeCode, PaymentMethod, PersonMet
from fieldvisit.i18n import LANGUAGES, catalogue, translate
from fieldvisit.server.security import Caller, Ctx
from fieldvisit.server.serialize import plain

router = APIRouter(prefix="/api/v1/companion", tags=["companion"])

# The check-out form's choices, each with the catalogue prefix of its labels.
VOCABULARY = {
    "person_met": (PersonMet, "safety.person."),
    "outcome": (OutcomeCode, "safety.outcome."),
    "next_action": (NextAction, "safety.next."),
    "payment_method": (PaymentMethod, "safety.method."),
}


PHONE_WORDS = ("companion.", "safety.declare.", "ui.weekday.")


@router.get("/strings")
def strings(lang: str = "zh") -> dict[str, Any]:
    """The app's words and the check-out choices in ``lang`` (read before sign-in, no data)."""
    lang = lang if lang in LANGUAGES else "zh"
    # The check-out's doorstep declaration uses the desktop dialog's own words.
    words = {k: v for k, v in catalogue(lang).items() if k.startswith(PHONE_WORDS)}
    vocabulary = {
        name: [[member.value, translate(prefix + member.value, lang)] for member in kind]
        for name, (kind, prefix) in VOCABULARY.items()
    }
    return {"strings": words, "vocabulary": vocabulary}


@router.get("/today")
def today(actor: Caller, ctx: Ctx) -> dict[str, Any] | None:
    """Today's approved round of the caller's crew, with what the crew needs at each door."""
    result: dict[str, Any] | None = plain(ctx.services.field.companion.day(actor))
    return result


@router.get("/sessions/{session_id}")
def session(session_id: int, actor: Caller, ctx: Ctx) -> dict[str, Any]:
    """The session's end time and its alarm, as its crew may see it (silent alarms never)."""
    found = ctx.services.field.companion.session(actor, session_id)
    return {
        "session_id": found.session_id,
        "state": found.state.value,
        "expected_end": found.expected_end.isoformat(),
        "now": ctx.services.clock().isoformat(),
        "alarm": plain(found.alarms[0]) if found.alarms else None,
    }


def mount_app(app: FastAPI) -> None:
    """Serve the web app itself at /companion/ (installable as a PWA from there)."""
    folder = resources.files("fieldvisit.resources").joinpath("companion")
    app.mount("/companion", StaticFiles(directory=str(folder), html=True), name="companion")
