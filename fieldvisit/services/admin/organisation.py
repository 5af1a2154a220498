"""Setting up an organisation: teams, crews, creditors and people, one audited transaction each.

Administrators change everything; a manager changes the crews of their own team. A batch (one
import file, one screen action) is written whole or not at all, and every problem names the
record (sheet and row for a file) and the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fieldvisit.domain.access import Actor, Permission, allows, require
from fieldvisit.domain.clock import Clock
from fieldvisit.domain.compliance.profiles import available_profiles, load_profile
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import PermissionDeniedError, ValidationError
from fieldvisit.domain.messages import Message
from fieldvisit.domain.organisation import (
    CreditorInput,
    CrewInput,
    FieldError,
    PersonInput,
    TeamInput,
)
from fieldvisit.domain.rounds import DayTemplate
from fieldvisit.services.admin.org_store import Mode, OrgStore, Outcome, Written
from fieldvisit.services.audit import AuditLog
from fieldvisit.storage import models as m

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One record of a batch and where it came from (``sheet``/``row`` of a file, or none)."""

    item: T
    sheet: str = ""
    row: int = 0


@dataclass(frozen=True)
class OrgProblem:
    """A record that cannot be written: where it came from, the field and what to fix."""

    sheet: str
    row: int
    field: str
    value: str
    message: Message


class OrgRejected(ValidationError):  # noqa: N818  (a refusal, named as the caller reads it)
    """A batch was refused; ``problems`` name every record and field, nothing was written."""

    def __init__(self, problems: Sequence[OrgProblem]) -> None:
        problems = sorted(problems, key=lambda p: (p.sheet, p.row))
        first = problems[0]
        super().__init__("org.error.rejected", count=len(problems), field=first.field)
        self.problems = tuple(problems)


@dataclass(frozen=True)
class OrgBatch:
    teams: Sequence[Entry[TeamInput]] = ()
    creditors: Sequence[Entry[CreditorInput]] = ()
    crews: Sequence[Entry[CrewInput]] = ()
    people: Sequence[Entry[PersonInput]] = ()


@dataclass(frozen=True)
class OrgResult:
    """How many records were created, changed or left as they were, and what to know."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: tuple[int, ...] = ()
    warnings: tuple[Message, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class TeamView:
    id: int
    code: str
    name: str
    profile: str
    timezone: str
    holiday_region: str | None


@dataclass(frozen=True)
class CreditorView:
    id: int
    code: str
    name: str
    currency: str | None


@dataclass(frozen=True)
class CrewView:
    id: int
    team: str
    name: str
    members: tuple[str, ...]
    base: tuple[float, float] | None
    base_address: str | None
    day: DayTemplate
    speed_kmh: float | None
    active: bool


@dataclass(frozen=True)
class PersonView:
    id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    crews: tuple[str, ...]
    phone: str | None
    language: str | None
    active: bool
    has_password: bool


class OrgAdmin:
    def __init__(self, session_factory: sessionmaker[Session], audit: AuditLog, clock: Clock):
        self._sessions, self._audit, self._clock = session_factory, audit, clock

    def profiles(self) -> tuple[str, ...]:
        return available_profiles()

    def apply(
        self,
        actor: Actor,
        batch: OrgBatch,
        mode: Mode = Mode.UPSERT,
        unread: Sequence[OrgProblem] = (),
    ) -> OrgResult:
        """Write the whole batch (teams, creditors, crews, then people) or nothing.

        ``unread`` are the rows of the same file that could not be read: the batch is still
        checked against the database, so one report names every problem, then nothing is written.
        """
        self._check_rights(actor, batch)
        counts = dict.fromkeys(Outcome, 0)
        ids: list[int] = []
        problems: list[OrgProblem] = list(unread)
        with self._sessions.begin() as session:
            store = OrgStore(session, self._audit, actor, self._clock())
            steps = (
                (batch.teams, store.team), (batch.creditors, store.creditor),
                (batch.crews, store.crew), (batch.people, store.person),
            )  # fmt: skip
            for entries, write in steps:
                for entry in entries:
                    written = self._one(write, entry, mode, problems)  # type: ignore[arg-type]
                    if written is not None:
                        counts[written.outcome] += 1
                        ids.append(written.id)
            if problems:
                raise OrgRejected(problems)  # leaves the transaction: nothing is written
            warnings = crew_warnings(session, {e.item.team for e in batch.crews} | _teams(batch))
        return OrgResult(counts[Outcome.CREATED], counts[Outcome.UPDATED],
                         counts[Outcome.UNCHANGED], tuple(ids), warnings)  # fmt: skip

    @staticmethod
    def _one(
        write: object, entry: Entry[object], mode: Mode, problems: list[OrgProblem]
    ) -> Written | None:
        try:
            return write(entry.item, mode)  # type: ignore[operator,no-any-return]
        except FieldError as error:
            problems.append(
                OrgProblem(entry.sheet, entry.row, error.field, error.value, error.message)
            )
            return None

    def _check_rights(self, actor: Actor, batch: OrgBatch) -> None:
        if allows(actor, Permission.MANAGE_USERS):
            return
        if actor.role is not Role.MANAGER or batch.teams or batch.creditors or batch.people:
            require(actor, Permission.MANAGE_USERS)
        with self._sessions() as session:
            own = session.scalar(select(m.Team.code).where(m.Team.id == actor.team_id))
        for entry in batch.crews:
            if entry.item.team != own:
                raise PermissionDeniedError("org.error.not_your_team", team=entry.item.team)

    def set_members(self, actor: Actor, crew_id: int, usernames: Sequence[str]) -> OrgResult:
        """Exactly these people in the crew; each of them leaves any other crew of the team."""
        with self._sessions.begin() as session:
            crew = session.get(m.Crew, crew_id)
            if crew is None:
                raise ValidationError("org.error.no_crew", crew=crew_id)
            self._may_change_crew(actor, crew.team_id)
            store = OrgStore(session, self._audit, actor, self._clock())
            wanted = set(usernames)
            for member in list(crew.members):
                if member.user.username not in wanted:
                    store._set_member(crew_id, member.user_id, present=False)
            for name in usernames:
                user = session.scalar(select(m.User).where(m.User.username == name))
                if user is None or user.team_id != crew.team_id:
                    raise ValidationError("org.error.member_team", user=name, crew=crew.name)
                store.place_in_crew(user.id, crew.team_id, crew.name)
            team_code = crew.team.code
            warnings = crew_warnings(session, {team_code})
        return OrgResult(updated=1, ids=(crew_id,), warnings=warnings)

    def _may_change_crew(self, actor: Actor, team_id: int) -> None:
        if allows(actor, Permission.MANAGE_USERS):
            return
        if actor.role is Role.MANAGER and actor.team_id == team_id:
            return
        raise PermissionDeniedError("org.error.not_your_team", team=team_id)

    def teams(self, actor: Actor) -> list[TeamView]:
        self._may_read(actor)
        with self._sessions() as session:
            rows = session.scalars(select(m.Team).order_by(m.Team.code))
            return [
                TeamView(t.id, t.code, t.name, t.rule_profile, t.timezone, t.holiday_region)
                for t in rows
                if allows(actor, Permission.MANAGE_USERS) or t.id == actor.team_id
            ]

    def creditors(self, actor: Actor) -> list[CreditorView]:
        self._may_read(actor)
        with self._sessions() as session:
            rows = session.scalars(select(m.Creditor).order_by(m.Creditor.code))
            return [CreditorView(c.id, c.code, c.name, c.currency) for c in rows]

    def crews(self, actor: Actor, team: str | None = None) -> list[CrewView]:
        self._may_read(actor)
        statement = select(m.Crew).join(m.Team).order_by(m.Team.code, m.Crew.name)
        if team is not None:
            statement = statement.where(m.Team.code == team)
        if not allows(actor, Permission.MANAGE_USERS):
            statement = statement.where(m.Crew.team_id == actor.team_id)
        with self._sessions() as session:
            return [_crew_view(c) for c in session.scalars(statement)]

    def people(self, actor: Actor) -> list[PersonView]:
        require(actor, Permission.MANAGE_USERS)
        with self._sessions() as session:
            users = session.scalars(select(m.User).order_by(m.User.username)).all()
            crews = session.execute(
                select(m.CrewMember.user_id, m.Crew.name).join(m.Crew).order_by(m.Crew.name)
            ).all()
            return [_person_view(u, [c for uid, c in crews if uid == u.id]) for u in users]

    def day_template(self, crew_id: int) -> DayTemplate:
        """The crew's usual day: its own settings over the product defaults."""
        with self._sessions() as session:
            crew = session.get(m.Crew, crew_id)
            return DayTemplate() if crew is None else crew_day(crew)

    def is_empty(self) -> bool:
        """No user yet: the first run, where the first administrator is created."""
        with self._sessions() as session:
            return not session.scalar(select(func.count(m.User.id)))

    def _may_read(self, actor: Actor) -> None:
        if actor.role is not Role.MANAGER:
            require(actor, Permission.MANAGE_USERS)


def _teams(batch: OrgBatch) -> set[str]:
    return {e.item.team for e in batch.people if e.item.team and e.item.crew}


def crew_day(crew: m.Crew) -> DayTemplate:
    base = DayTemplate()

    def pick(value: time | int | None, default: time | int) -> time | int:
        return default if value is None else value

    return DayTemplate(
        shift_start=pick(crew.shift_start, base.shift_start),  # type: ignore[arg-type]
        shift_end=pick(crew.shift_end, base.shift_end),  # type: ignore[arg-type]
        break_earliest=pick(crew.break_earliest, base.break_earliest),  # type: ignore[arg-type]
        break_latest=pick(crew.break_latest, base.break_latest),  # type: ignore[arg-type]
        break_minutes=pick(crew.break_minutes, base.break_minutes),  # type: ignore[arg-type]
        max_visits=pick(crew.max_visits, base.max_visits),  # type: ignore[arg-type]
        service_minutes=base.service_minutes,
    )


def _crew_view(crew: m.Crew) -> CrewView:
    base = (
        None if crew.base_lat is None or crew.base_lon is None else (crew.base_lat, crew.base_lon)
    )
    members = tuple(sorted(member.user.username for member in crew.members))
    return CrewView(crew.id, crew.team.code, crew.name, members, base, crew.base_address,
                    crew_day(crew), crew.speed_kmh, crew.active)  # fmt: skip


def _person_view(user: m.User, crews: list[str]) -> PersonView:
    team = user.team.code if user.team is not None else None
    return PersonView(user.id, user.username, user.display_name, Role(user.role), team,
                      tuple(crews), user.phone, user.language, user.active,
                      user.password_hash is not None)  # fmt: skip


def crew_warnings(session: Session, team_codes: set[str]) -> tuple[Message, ...]:
    """Crews smaller than their team's profile asks at a visit: allowed, but said plainly."""
    session.flush()
    session.expire_all()  # memberships were added row by row; read them afresh
    warnings: list[Message] = []
    teams = session.scalars(select(m.Team).where(m.Team.code.in_(team_codes)).order_by(m.Team.code))
    for team in teams:
        rule = load_profile(team.rule_profile).rule("min_collectors")
        if rule is None:
            continue
        needed = rule.number("min")
        for crew in team.crews:
            if crew.active and len(crew.members) < needed:
                warnings.append(
                    Message("org.warning.crew_too_small", {
                        "crew": crew.name, "team": team.code, "size": len(crew.members),
                        "min": needed, "profile": team.rule_profile,
                    })
                )  # fmt: skip
    return tuple(warnings)
