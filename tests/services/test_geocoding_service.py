"""Locating imported addresses through a local Nominatim server and the cache; manual placement."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.domain import coords
from fieldvisit.domain.errors import ValidationError
from fieldvisit.geocoding.adapter import GeopyGeocoder
from fieldvisit.services.audit import AuditLog
from fieldvisit.services.cases.geocoding import GeocodingService
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from tests.geocoding.nominatim_server import Behaviour, closed_port, nominatim_server, place
from tests.geocoding.test_adapter import Sleeps, local_settings
from tests.services.import_files import CASE_HEADERS, case_row, clock, write_csv
from tests.services.test_importing_cases import KEY, cases_request, service

FOUND = "上海市浦东新区世纪大道1号"
STREET = "上海市浦东新区世纪大道"
NOWHERE = "火星基地1号"


def import_addresses(database: Database, tmp_path: Path, homes: list[str]) -> None:
    rows = []
    for index, home in enumerate(homes, start=1):
        row = case_row(index)
        row[4], row[5] = home, ""
        rows.append(row)
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)
    assert service(database).run_file(path, cases_request(path))[0].committed


def geocoding(database: Database, domain: str, **options: object) -> GeocodingService:
    sleeps = Sleeps()
    geocoder = GeopyGeocoder(local_settings(domain, max_retries=1), sleeps, sleeps.clock)
    return GeocodingService(
        database.session_factory,
        geocoder,
        clock(),
        AuditLog(KEY, clock()),
        **options,  # type: ignore[arg-type]
    )


def addresses(database: Database) -> dict[str, tuple[float | None, float | None, str]]:
    with database.session_factory() as session:
        return {
            a.text: (a.lat, a.lon, a.geocode_quality)
            for a in session.scalars(select(m.Address).order_by(m.Address.id))
        }


PLACES = {FOUND: place(31.2304, 121.5), STREET: place(31.23, 121.51, rank=26, kind="road")}


def test_found_approximate_and_failed_with_one_query_per_distinct_address(
    database: Database, tmp_path: Path
) -> None:
    import_addresses(database, tmp_path, [FOUND, STREET, NOWHERE, FOUND + " "])
    behaviour = Behaviour(places=PLACES)
    with nominatim_server(behaviour) as domain:
        summary = geocoding(database, domain).geocode_pending()
    assert (summary.exact, summary.approximate, summary.failed, summary.cached) == (2, 1, 1, 1)
    assert summary.pending == 0
    assert sorted(behaviour.queries) == sorted([FOUND, STREET, NOWHERE])
    found = addresses(database)
    assert found[FOUND] == (31.2304, 121.5, "exact")
    assert found[NOWHERE] == (None, None, "failed")  # flagged, never guessed


def test_the_cache_answers_offline(database: Database, tmp_path: Path) -> None:
    import_addresses(database, tmp_path, [FOUND])
    with nominatim_server(Behaviour(places=PLACES)) as domain:
        geocoding(database, domain).geocode_pending()
    more = tmp_path / "more"
    more.mkdir()
    rows = [case_row(50)]
    rows[0][4] = FOUND
    rows[0][0] = "WA-NEW"
    rows.append(case_row(51))
    rows[1][4], rows[1][5] = STREET, ""
    path = write_csv(more / "cases.csv", CASE_HEADERS, rows)
    service(database).run_file(path, cases_request(path))
    summary = geocoding(database, closed_port()).geocode_pending()
    assert summary.cached == 1
    assert summary.unavailable is not None
    assert summary.pending == 1  # the uncached one waits for the server, it is not "failed"
    assert addresses(database)[STREET] == (None, None, "none")


def test_rate_limited_then_answered(database: Database, tmp_path: Path) -> None:
    import_addresses(database, tmp_path, [FOUND])
    behaviour = Behaviour(places=PLACES, fail_next=[429])
    with nominatim_server(behaviour) as domain:
        summary = geocoding(database, domain).geocode_pending()
    assert (summary.exact, len(behaviour.queries)) == (1, 2)


def test_cancel_keeps_what_was_done(database: Database, tmp_path: Path) -> None:
    import_addresses(database, tmp_path, [FOUND, STREET, NOWHERE])
    seen: list[tuple[int, int]] = []
    with nominatim_server(Behaviour(places=PLACES)) as domain:
        summary = geocoding(database, domain).geocode_pending(
            progress=lambda done, total: seen.append((done, total)),
            cancelled=lambda: len(seen) >= 1,
        )
    assert (summary.exact, summary.pending) == (1, 2)
    assert seen[0] == (0, 3)


def test_zone_library_sets_the_time_zone(database: Database, tmp_path: Path) -> None:
    import_addresses(database, tmp_path, [FOUND])
    with nominatim_server(Behaviour(places=PLACES)) as domain:
        geocoding(database, domain, zone_finder=lambda lat, lon: "Asia/Urumqi").geocode_pending()
    with database.session_factory() as session:
        assert session.scalars(select(m.Address.timezone)).one() == "Asia/Urumqi"


def test_manual_placement_converts_to_wgs84_and_is_audited(
    database: Database, tmp_path: Path
) -> None:
    import_addresses(database, tmp_path, [NOWHERE])
    with database.session_factory() as session:
        address_id = session.scalars(select(m.Address.id)).one()
    gcj = coords.wgs84_to_gcj02(121.4737, 31.2304)
    placed = geocoding(database, closed_port()).place_manually(
        address_id, gcj.lat, gcj.lon, datum="gcj02"
    )
    assert (placed.lat, placed.lon) == pytest.approx((31.2304, 121.4737), abs=1e-7)
    assert placed.quality == "manual"
    with database.session_factory() as session:
        entry = session.scalars(
            select(m.AuditEntry).where(m.AuditEntry.action == "address.place_manually")
        ).one()
        assert entry.payload is not None
        assert entry.payload["after"]["quality"] == "manual"


def test_manual_placement_refuses_impossible_coordinates(database: Database) -> None:
    with pytest.raises(ValidationError):
        geocoding(database, closed_port()).place_manually(1, 95.0, 121.0)
