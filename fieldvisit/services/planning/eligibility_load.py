"""Database reads behind eligibility: one query per kind of fact for a whole batch of cases."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    any_,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute as Column
from sqlalchemy.orm import Session, aliased

from fieldvisit.domain.compliance import DEFAULT_PROFILE, Declaration, WallInterval
from fieldvisit.domain.enums import AvailabilityKind, Channel, ConsentKind, RoundStatus, StopStatus
from fieldvisit.storage import models as m

HistoryRow = tuple[float, str, bool]
# Rounds that will not happen no longer count as planned visits.
_LIVE_ROUNDS = tuple(s.value for s in RoundStatus if s not in (RoundStatus.REJECTED,))
_FLAG_CONSENTS = (ConsentKind.NOTICE_GIVEN.value, ConsentKind.CONSENT_AFTER_HOURS.value)
# UTC offsets run from -12:00 to +14:00: these margins cover every zone's local day.
_EARLIEST_OFFSET = timedelta(hours=15)
_LATEST_OFFSET = timedelta(hours=13)


def one_of(s: Session, column: Column[int], ids: Collection[int]) -> ColumnElement[bool]:
    """``column IN ids`` with the ids bound as ONE parameter (a JSON or array value).

    Thousands of separate parameters cost more to bind than the indexed lookups they drive.
    """
    values = sorted({int(i) for i in ids})
    if s.get_bind().dialect.name == "sqlite":
        listed: Select[tuple[Any]] = select(literal_column("value")).select_from(
            func.json_each(literal(json.dumps(values)))
        )
        return column.in_(listed)
    return column == any_(literal(values, ARRAY(Integer)))


@dataclass(frozen=True)
class CaseFacts:
    """What the cases, teams and visit-address tables say about one case."""

    case_id: int
    case_number: str
    debtor_id: int
    team_id: int | None
    crew_id: int | None
    state: str
    state_until: date | None
    legal_hold: bool
    flags: tuple[str, ...]
    base_profile: str  # the case's own profile, else its team's
    team_timezone: str | None  # None: the case has no team yet
    address_id: int | None
    address_kind: str
    lat: float | None
    lon: float | None
    timezone: str | None
    jurisdiction: str | None
    #: The team's holiday calendar region, with the profile it was chosen for.
    holiday_region: str | None = None
    team_profile: str | None = None

    def region_under(self, profile: str) -> str | None:
        """The team's holiday region under ``profile``; the region was chosen for the team's
        own profile, so a case under another one (``US-MA``, an address abroad) has none."""
        return self.holiday_region if profile == self.team_profile else None


def load_cases(
    s: Session, case_ids: Collection[int], visible: ColumnElement[bool]
) -> dict[int, CaseFacts]:
    """Cases the actor may see, with their primary address (else their first address)."""
    found: dict[int, CaseFacts] = {}
    for row in s.execute(_cases_statement(s, case_ids, visible)):
        if row[0] not in found:  # two primary addresses: the first one counts
            found[row[0]] = _facts(row)
    missing = {f.debtor_id for f in found.values() if f.address_id is None}
    if missing:
        first = _first_addresses(s, missing)
        for case_id, facts in list(found.items()):
            if facts.debtor_id in first:
                found[case_id] = with_address(facts, first[facts.debtor_id])
    return found


def _cases_statement(
    s: Session, case_ids: Collection[int], visible: ColumnElement[bool]
) -> Select[*tuple[Any, ...]]:
    home = aliased(m.Address)
    return (
        select(
            m.Case.id,
            m.Case.case_number,
            m.Case.debtor_id,
            m.Case.team_id,
            m.Case.crew_id,
            m.Case.state,
            m.Case.state_until,
            m.Case.legal_hold,
            m.Case.flags,
            func.coalesce(m.Case.rule_profile, m.Team.rule_profile, DEFAULT_PROFILE),
            m.Team.timezone,
            home.id,
            home.kind,
            home.lat,
            home.lon,
            home.timezone,
            home.jurisdiction,
            m.Team.holiday_region,
            m.Team.rule_profile,
        )
        .outerjoin(m.Team, m.Case.team_id == m.Team.id)
        .outerjoin(home, (home.debtor_id == m.Case.debtor_id) & home.is_primary)
        .where(one_of(s, m.Case.id, case_ids), visible)
        .order_by(m.Case.id, home.id)
    )


def _facts(row: Any) -> CaseFacts:
    return CaseFacts(
        case_id=row[0],
        case_number=row[1],
        debtor_id=row[2],
        team_id=row[3],
        crew_id=row[4],
        state=row[5],
        state_until=row[6],
        legal_hold=bool(row[7]),
        flags=tuple(str(flag) for flag in row[8] or ()),
        base_profile=row[9],
        team_timezone=row[10],
        address_id=row[11],
        address_kind=row[12] or "home",
        lat=row[13],
        lon=row[14],
        timezone=row[15],
        jurisdiction=row[16],
        holiday_region=row[17],
        team_profile=row[18],
    )


def _first_addresses(s: Session, debtor_ids: Collection[int]) -> dict[int, m.Address]:
    rows = s.scalars(
        select(m.Address).where(one_of(s, m.Address.debtor_id, debtor_ids)).order_by(m.Address.id)
    )
    first: dict[int, m.Address] = {}
    for address in rows:
        first.setdefault(address.debtor_id, address)
    return first


def with_address(facts: CaseFacts, address: m.Address) -> CaseFacts:
    """``facts`` for a visit at ``address`` instead of the primary one."""
    return replace(
        facts,
        address_id=address.id,
        address_kind=address.kind,
        lat=address.lat,
        lon=address.lon,
        timezone=address.timezone,
        jurisdiction=address.jurisdiction,
    )


@dataclass(frozen=True)
class AddressRisk:
    daylight_only: bool
    two_person: bool


def load_risks(s: Session, address_ids: Collection[int]) -> dict[int, AddressRisk]:
    """What the address risk notes in force require, per address."""
    rows = s.execute(
        select(
            m.AddressRiskNote.address_id,
            m.AddressRiskNote.daylight_only,
            m.AddressRiskNote.two_person,
        ).where(
            one_of(s, m.AddressRiskNote.address_id, address_ids),
            m.AddressRiskNote.retired_at.is_(None),
        )
    )
    daylight: dict[int, bool] = defaultdict(bool)
    two: dict[int, bool] = defaultdict(bool)
    for address_id, is_daylight, is_two in rows:
        daylight[address_id] |= bool(is_daylight)
        two[address_id] |= bool(is_two)
    return {a: AddressRisk(daylight[a], two[a]) for a in daylight}


def load_consent_flags(s: Session, debtor_ids: Collection[int], day: date) -> dict[int, set[str]]:
    """``notice_given`` / ``consent_after_hours`` per debtor, from consents valid on ``day``."""
    rows = s.execute(
        select(m.Consent.debtor_id, m.Consent.kind).where(
            one_of(s, m.Consent.debtor_id, debtor_ids),
            m.Consent.kind.in_(_FLAG_CONSENTS),
            m.Consent.given_on <= day,
            m.Consent.valid_until.is_(None) | (m.Consent.valid_until >= day),
        )
    )
    flags: dict[int, set[str]] = defaultdict(set)
    for debtor_id, kind in rows:
        flags[debtor_id].add(kind)
    return flags


@dataclass(frozen=True)
class Declared:
    address_id: int | None
    declaration: Declaration


def load_declarations(s: Session, debtor_ids: Collection[int]) -> dict[int, list[Declared]]:
    """Each debtor's declared windows and blackouts (a place-bound one names its address)."""
    rows = s.scalars(
        select(m.Availability)
        .where(one_of(s, m.Availability.debtor_id, debtor_ids))
        .order_by(m.Availability.id)
    )
    found: dict[int, list[Declared]] = defaultdict(list)
    for row in rows:
        interval = WallInterval(_minutes(row.start_time), _minutes(row.end_time))
        declaration = Declaration(
            kind=AvailabilityKind(row.kind),
            interval=interval,
            weekdays=frozenset() if row.weekday is None else frozenset({row.weekday}),
            on_date=row.on_date,
        )
        found[row.debtor_id].append(Declared(row.address_id, declaration))
    return found


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def load_planned(
    s: Session,
    debtor_ids: Collection[int],
    day: date,
    crew_id: int | None,
    replacing: Collection[int] = (),
) -> list[tuple[int, int]]:
    """``(debtor_id, case_id)`` of each visit other rounds plan on ``day``."""
    statement = (
        select(m.Case.debtor_id, m.RoundStop.case_id)
        .select_from(m.RoundStop)
        .join(m.Round, m.RoundStop.round_id == m.Round.id)
        .join(m.Case, m.RoundStop.case_id == m.Case.id)
        .where(
            m.Round.plan_date == day,
            m.Round.status.in_(_LIVE_ROUNDS),
            m.RoundStop.status == StopStatus.PLANNED.value,
            one_of(s, m.Case.debtor_id, debtor_ids),
        )
    )
    if crew_id is not None:
        statement = statement.where(m.Round.crew_id != crew_id)
    if replacing:  # rounds a team re-plan is about to replace are not other visits
        statement = statement.where(m.Round.crew_id.not_in(list(replacing)))
    return [(d, c) for d, c in s.execute(statement)]


def crew_sizes(s: Session, crew_ids: Collection[int]) -> dict[int, int]:
    """Active members per crew."""
    rows = s.execute(
        select(m.CrewMember.crew_id, func.count())
        .join(m.User, m.CrewMember.user_id == m.User.id)
        .where(one_of(s, m.CrewMember.crew_id, crew_ids), m.User.active)
        .group_by(m.CrewMember.crew_id)
    )
    return {crew_id: int(count) for crew_id, count in rows}


def load_history(
    s: Session,
    debtor_ids: Sequence[int],
    day: date,
    horizon: int,
    older_visit: Collection[int] = (),
) -> dict[int, list[HistoryRow]]:
    """Contacts of the last ``horizon`` days (any zone) and, for the debtors in ``older_visit``,
    their latest older visit: ONE statement over the ``(debtor_id, occurred_at)`` index."""
    low = datetime.combine(day - timedelta(days=horizon), time(), UTC) - _EARLIEST_OFFSET
    high = datetime.combine(day + timedelta(days=1), time(), UTC) + _LATEST_OFFSET
    c = m.Contact
    seconds = _epoch_seconds(s, c.occurred_at)
    # Unanswered calls, SMS and letters count towards no rule (visits count, and conversations on
    # any channel): leaving them out halves the rows without changing any verdict.
    recent = select(c.debtor_id, seconds, c.channel, c.contacted).where(
        one_of(s, c.debtor_id, debtor_ids),
        c.occurred_at >= low,
        c.occurred_at < high,
        (c.channel == Channel.VISIT.value) | c.contacted,
    )
    statement = recent
    if older_visit:
        # The UK notice rule needs to know whether any visit ever happened: one row per debtor.
        last_older = (
            select(seconds)
            .where(
                c.debtor_id == m.Debtor.id, c.channel == Channel.VISIT.value, c.occurred_at < low
            )
            .order_by(c.occurred_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        older = select(m.Debtor.id, last_older, literal(Channel.VISIT.value), literal(False)).where(
            one_of(s, m.Debtor.id, older_visit)
        )
        statement = union_all(recent, older)  # type: ignore[assignment]
    rows: dict[int, list[HistoryRow]] = defaultdict(list)
    for debtor_id, at, channel, contacted in s.execute(statement):
        if at is not None:
            rows[debtor_id].append((float(at), channel, bool(contacted)))
    return rows


def _epoch_seconds(s: Session, at: Column[datetime]) -> ColumnElement[Any]:
    # Epoch seconds computed by the database: no per-row datetime parsing in Python. SQLite
    # truncates to whole seconds, which never moves a contact across a (whole-second) midnight.
    if s.get_bind().dialect.name == "sqlite":
        return cast(func.strftime("%s", at), Integer)
    return func.extract("epoch", at)


def ledger_as_of(s: Session) -> datetime | None:
    """How fresh the contact ledger is: the last contacts import or the last recorded contact.

    The last recorded contact is found by primary key, so this costs no scan of the ledger.
    """
    imported = s.scalar(
        select(func.max(m.ImportBatch.imported_at)).where(m.ImportBatch.kind == "contacts")
    )
    newest = s.scalar(select(m.Contact.occurred_at).order_by(m.Contact.id.desc()).limit(1))
    known = [_aware(t) for t in (imported, newest) if t is not None]
    return max(known) if known else None


def _aware(value: datetime | str) -> datetime:
    # An aggregate loses the column type on SQLite, so MAX() may come back as text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
