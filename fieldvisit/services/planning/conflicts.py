"""Lost races on a round, in words: who changed it, what they did, and what to do now.

Two people saving, approving or rejecting the same round at once: the database lets exactly one
win (the version column, the one-round-per-crew-and-day constraint). The loser's transaction has
rolled back; this turns the driver's exception into a sentence read from the winner's audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from fieldvisit.domain.errors import ConflictError
from fieldvisit.storage import models as m


def _is_round_race(error: IntegrityError) -> bool:
    # Another save of the same crew and day got in first (unique crew + date, or stop numbers),
    # or the crew started a visit of a stop this save replaces (the visit's key to the stop).
    text = str(error.orig)
    return "rounds" in text or "round_stops" in text


@contextmanager
def round_race(
    session_factory: sessionmaker[Session],
    *,
    round_id: int | None = None,
    crew_id: int | None = None,
    day: date | None = None,
) -> Iterator[None]:
    """Around one transaction on a round: a lost race becomes ConflictError naming the winner."""
    try:
        yield
    except StaleDataError as exc:
        raise _conflict(session_factory, round_id, crew_id, day) from exc
    except IntegrityError as exc:
        if not _is_round_race(exc):
            raise
        raise _conflict(session_factory, round_id, crew_id, day) from exc


def _conflict(
    session_factory: sessionmaker[Session],
    round_id: int | None,
    crew_id: int | None,
    day: date | None,
) -> ConflictError:
    with session_factory() as s:
        found = (
            s.get(m.Round, round_id)
            if round_id is not None
            else s.scalar(
                select(m.Round).where(m.Round.crew_id == crew_id, m.Round.plan_date == day)
            )
        )
        if found is None:
            return ConflictError("round.error.race_unknown")
        return describe(s, found)


def describe(s: Session, found: m.Round) -> ConflictError:
    """Who last changed ``found`` and how, from its newest audit entry, as a refusal."""
    entry = s.scalar(
        select(m.AuditEntry)
        .where(m.AuditEntry.entity_type == "round", m.AuditEntry.entity_id == str(found.id))
        .order_by(m.AuditEntry.seq.desc())
        .limit(1)
    )
    who = s.get(m.User, entry.actor_id) if entry and entry.actor_id else None
    return ConflictError(
        "round.error.changed_meanwhile",
        who=who.display_name if who else "?",
        action=entry.action if entry else "round.saved",
        at=entry.at.astimezone(UTC).isoformat(timespec="seconds") if entry else "?",
        crew=found.crew_id,
        date=found.plan_date.isoformat(),
        version=found.version,
    )
