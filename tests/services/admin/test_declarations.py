"""Debtor declarations: written whole or not at all, for cases the actor's team holds, audited,
listed for the case detail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from fieldvisit.app.wiring import build_services
from fieldvisit.domain.clock import FixedClock
from fieldvisit.domain.declarations import parse_availability, parse_consent
from fieldvisit.domain.import_fields import ImportKind
from fieldvisit.services.admin.org_files import declaration_entries, org_batch
from fieldvisit.services.admin.organisation import Entry, OrgRejected
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.catalog import Services
from fieldvisit.services.importing.service import ImportRequest
from fieldvisit.storage.database import Database
from tests.helpers import table_contents

EXAMPLES = Path(__file__).parents[3] / "examples" / "onboarding"
CLOCK = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def services(database: Database) -> Services:
    built = build_services(database, AuditLog(b"k" * 32, CLOCK), CLOCK)
    admin = built.users.actor(built.user_admin.bootstrap_admin("root", "Root", "pass-1234"))
    batch, _unread = org_batch(EXAMPLES / "org.csv")
    built.org.apply(admin, batch)
    report, _ = built.imports.run_file(
        EXAMPLES / "cases.csv", ImportRequest(ImportKind.CASES, "cases.csv", "ACME")
    )
    assert report.committed
    return built


def _window(case: str, **extra: str) -> Entry[object]:
    values = {"case": case, "kind": "blackout", "start": "08:00", "end": "10:00",
              "source": "debtor", "declared_on": "2026-11-20", **extra}  # fmt: skip
    return Entry(parse_availability(values))


def test_the_example_files_are_recorded_and_listed(services: Services) -> None:
    admin = services.users.actor(services.users.user_id("root"))
    windows, unread = declaration_entries(EXAMPLES / "availability.csv", "availability")
    consents, unread_consents = declaration_entries(EXAMPLES / "consents.csv", "consents")
    assert unread == unread_consents == []
    result = services.declarations.record(admin, windows, consents)
    assert result.created == 4
    case_id = services.eligibility.resolve_case(admin, "ACME-0003")
    (sunday,) = services.declarations.for_case(admin, case_id)
    assert (sunday.what, sunday.weekday, sunday.start, sunday.end) == (
        "blackout", 6, time(0, 0), time.max)  # fmt: skip
    assert sunday.declared_on == date(2026, 11, 25)


def test_a_collector_declares_for_their_own_teams_cases_only(
    services: Services, database: Database
) -> None:
    boston = services.users.actor(services.users.user_id("jsmith"))
    shanghai = services.users.actor(services.users.user_id("zhang"))
    before = table_contents(database.engine)
    with pytest.raises(OrgRejected) as refused:
        services.declarations.record(boston, [Entry(_window("ACME-0001").item, "", 2)])
    assert refused.value.problems[0].message.id == "org.error.case_not_yours"
    assert table_contents(database.engine) == before
    assert services.declarations.record(shanghai, [_window("ACME-0001")]).created == 1  # type: ignore[list-item]


def test_one_bad_row_keeps_the_good_ones_out_too(services: Services, database: Database) -> None:
    admin = services.users.actor(services.users.user_id("root"))
    consent = parse_consent({"case": "ACME-0404", "kind": "notice_given", "given_on": "2026-11-01"})
    before = table_contents(database.engine)
    with pytest.raises(OrgRejected) as refused:
        services.declarations.record(
            admin, [Entry(_window("ACME-0001").item, "", 2)], [Entry(consent, "", 2)]
        )
    assert [(p.row, p.field) for p in refused.value.problems] == [(2, "case")]
    assert table_contents(database.engine) == before
