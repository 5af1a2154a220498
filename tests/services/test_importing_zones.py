"""An imported address takes its zone from the file, else its case's team; never a default.

A New York team's cases get New York addresses, and a contact log's times without an offset are
that team's local times; a row whose zone nothing names is refused with the column to add.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.access import Actor
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.domain.import_rows import Table
from fieldvisit.domain.organisation import parse_creditor, parse_team
from fieldvisit.services.admin.organisation import Entry, OrgBatch
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROFILES = ("CN", "US", "US-MA", "UK", "IE", "DE")
HEADERS = ("case_number", "debtor_name", "amount_overdue", "days_past_due", "team", "home_address")


@pytest.fixture
def org(database: Database) -> tuple[Services, Actor]:
    clock = FixedClock(NOW)
    services = build_services(database, AuditLog(b"k" * 32, clock), clock)
    admin = services.users.actor(
        services.user_admin.bootstrap_admin("root", "Root", "pw-long-1234")
    )
    teams = [
        Entry(
            parse_team({"code": code, "name": code, "profile": profile, "timezone": zone}, PROFILES)
        )
        for code, profile, zone in (("NY", "US", "America/New_York"), ("SH", "CN", "Asia/Shanghai"))
    ]
    creditor = Entry(parse_creditor({"code": "BANK", "name": "Bank", "currency": "USD"}))
    services.org.apply(admin, OrgBatch(teams=teams, creditors=[creditor]))
    return services, admin


def _cases(services: Services, admin: Actor, rows: list[tuple[str, ...]]) -> object:
    request = ImportRequest(ImportKind.CASES, "cases.csv", creditor_code="BANK")
    return services.imports.run(Table(HEADERS, rows), request, admin)


def _zones(database: Database) -> dict[str, str]:
    with database.session_factory() as s:
        rows = s.execute(
            select(m.Case.case_number, m.Address.timezone).join(
                m.Address, m.Address.debtor_id == m.Case.debtor_id
            )
        )
        return {row.case_number: row.timezone for row in rows}


def test_a_new_york_teams_cases_get_new_york_addresses(
    org: tuple[Services, Actor], database: Database
) -> None:
    services, admin = org
    rows = [
        ("N1", "Ann", "100", "30", "NY", "1 Main St"),
        ("S1", "王", "100", "30", "SH", "某路1号"),
    ]
    report = _cases(services, admin, rows)
    assert report.committed, report.errors  # type: ignore[attr-defined]
    assert _zones(database) == {"N1": "America/New_York", "S1": "Asia/Shanghai"}


def test_a_row_without_team_or_zone_is_refused_naming_the_column(
    org: tuple[Services, Actor], database: Database
) -> None:
    services, admin = org
    report = _cases(services, admin, [("X1", "Ann", "100", "30", "", "1 Main St")])
    assert not report.committed  # type: ignore[attr-defined]
    (error,) = report.errors  # type: ignore[attr-defined]
    assert (error.row, error.column, error.message.id) == (
        2,
        "timezone",
        "import.error.no_timezone",
    )
    assert _zones(database) == {}


def test_contact_times_without_an_offset_are_the_case_teams_local_times(
    org: tuple[Services, Actor], database: Database
) -> None:
    services, admin = org
    _cases(services, admin, [("N1", "Ann", "100", "30", "NY", "1 Main St")])
    contacts = Table(
        ("external_id", "case_number", "channel", "occurred_at"),
        [("C1", "N1", "call", "2026-11-30 09:15")],
    )
    request = ImportRequest(ImportKind.CONTACTS, "contacts.csv", creditor_code="BANK")
    report = services.imports.run(contacts, request, admin)
    assert report.committed, report.errors
    with database.session_factory() as s:
        at = s.scalars(select(m.Contact.occurred_at)).one()
    assert at == datetime(2026, 11, 30, 14, 15, tzinfo=UTC)  # 09:15 in New York (EST, UTC-5)
