"""Writing one organisation record (team, creditor, crew, person) inside the caller's transaction.

Each writer compares the stored row with the input, changes only what differs and records the
change with its before and after values in the audit chain; ``mode`` says whether the record
must be new (``add``), must exist (``edit``) or may be either (``upsert``, the import).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.domain.access import Actor
from fieldvisit.domain.enums import Role
from fieldvisit.domain.organisation import (
    CreditorInput,
    CrewInput,
    FieldError,
    PersonInput,
    TeamInput,
)
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m


class Mode(StrEnum):
    ADD = "add"
    EDIT = "edit"
    UPSERT = "upsert"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Written:
    id: int
    outcome: Outcome


def _plain(value: Any) -> Any:
    return value.isoformat("minutes") if isinstance(value, time) else value


def _state(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in names}


class OrgStore:
    """The writers of one action: one session, one actor, one audit log, one timestamp."""

    def __init__(self, session: Session, audit: AuditLog, actor: Actor | None, now: datetime):
        self.session, self._audit, self._actor, self._now = session, audit, actor, now

    def _existing(self, row: Any, mode: Mode, field: str, value: str) -> None:
        if row is not None and mode is Mode.ADD:
            raise FieldError(field, value, "org.error.exists")
        if row is None and mode is Mode.EDIT:
            raise FieldError(field, value, "org.error.unknown")

    def _apply(self, kind: str, row: Any, wanted: dict[str, Any], created: bool) -> Written:
        before = None if created else _state(row, tuple(wanted))
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        for name, value in changed.items():
            setattr(row, name, value)
        if created:
            self.session.add(row)
        self.session.flush()
        if not created and not changed:
            return Written(row.id, Outcome.UNCHANGED)
        self._audit.record(
            self.session,
            actor_id=None if self._actor is None else self._actor.user_id,
            action=f"org.{kind}.{'created' if created else 'changed'}",
            entity_type=kind,
            entity_id=row.id,
            before=before,
            after=_state(row, tuple(wanted)),
        )
        return Written(row.id, Outcome.CREATED if created else Outcome.UPDATED)

    def team(self, team: TeamInput, mode: Mode) -> Written:
        row = self.session.scalar(select(m.Team).where(m.Team.code == team.code))
        self._existing(row, mode, "code", team.code)
        wanted = {
            "code": team.code, "name": team.name, "rule_profile": team.profile,
            "timezone": team.timezone, "holiday_region": team.holiday_region,
        }  # fmt: skip
        created = row is None
        return self._apply("team", row or m.Team(created_at=self._now), wanted, created)

    def creditor(self, creditor: CreditorInput, mode: Mode) -> Written:
        row = self.session.scalar(select(m.Creditor).where(m.Creditor.code == creditor.code))
        self._existing(row, mode, "code", creditor.code)
        wanted = {"code": creditor.code, "name": creditor.name, "currency": creditor.currency}
        return self._apply("creditor", row or m.Creditor(), wanted, row is None)

    def team_id(self, code: str, field: str = "team") -> int:
        found = self.session.scalar(select(m.Team.id).where(m.Team.code == code))
        if found is None:
            raise FieldError(field, code, "org.error.unknown_team")
        return found

    def crew(self, crew: CrewInput, mode: Mode) -> Written:
        team_id = self.team_id(crew.team)
        row = self.session.scalar(
            select(m.Crew).where(m.Crew.team_id == team_id, m.Crew.name == crew.name)
        )
        self._existing(row, mode, "name", crew.name)
        wanted = {k: v for k, v in asdict(crew).items() if k != "team"}
        wanted["team_id"] = team_id
        return self._apply("crew", row or m.Crew(), wanted, row is None)

    def crew_row(self, crew_id: int) -> m.Crew:
        row = self.session.get(m.Crew, crew_id)
        if row is None:
            raise FieldError("crew", str(crew_id), "org.error.unknown")
        return row

    def person(self, person: PersonInput, mode: Mode) -> Written:
        if person.role in (Role.COLLECTOR, Role.MANAGER) and not person.team:
            raise FieldError("team", "", "org.error.team_required", role=person.role.value)
        team_id = self.team_id(person.team) if person.team else None
        row = self.session.scalar(select(m.User).where(m.User.username == person.username))
        self._existing(row, mode, "username", person.username)
        wanted = {
            "username": person.username, "display_name": person.display_name,
            "role": person.role.value, "team_id": team_id, "phone": person.phone,
            "language": person.language,
        }  # fmt: skip
        # A person imported or added here has no password until an admin sets one.
        new = m.User(created_at=self._now, active=True, password_hash=None)
        written = self._apply("user", row or new, wanted, row is None)
        # A person who changes team leaves the crews of the old one.
        elsewhere = (
            select(m.CrewMember.crew_id)
            .join(m.Crew)
            .where(
                m.CrewMember.user_id == written.id,
                m.Crew.team_id.is_distinct_from(team_id),
            )
        )
        for crew_id in list(self.session.scalars(elsewhere)):
            self._set_member(crew_id, written.id, present=False)
        if person.crew and team_id is not None:
            self.place_in_crew(written.id, team_id, person.crew)
        return written

    def place_in_crew(self, user_id: int, team_id: int, crew_name: str) -> None:
        """The person is in ``crew_name`` and in no other crew of the team."""
        crew_id = self.session.scalar(
            select(m.Crew.id).where(m.Crew.team_id == team_id, m.Crew.name == crew_name)
        )
        if crew_id is None:
            raise FieldError("crew", crew_name, "org.error.unknown_crew")
        team_crews = select(m.Crew.id).where(m.Crew.team_id == team_id)
        current = set(
            self.session.scalars(
                select(m.CrewMember.crew_id).where(
                    m.CrewMember.user_id == user_id, m.CrewMember.crew_id.in_(team_crews)
                )
            )
        )
        if current == {crew_id}:
            return
        for old in current - {crew_id}:
            self._set_member(old, user_id, present=False)
        if crew_id not in current:
            self._set_member(crew_id, user_id, present=True)

    def _set_member(self, crew_id: int, user_id: int, *, present: bool) -> None:
        key = {"crew_id": crew_id, "user_id": user_id}
        if present:
            self.session.add(m.CrewMember(**key))
        else:
            member = self.session.get(m.CrewMember, (crew_id, user_id))
            if member is not None:
                self.session.delete(member)
        self.session.flush()
        self._audit.record(
            self.session,
            actor_id=None if self._actor is None else self._actor.user_id,
            action="org.crew.member_added" if present else "org.crew.member_removed",
            entity_type="crew",
            entity_id=crew_id,
            before=None if present else key,
            after=key if present else None,
        )
