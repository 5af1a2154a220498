"""``fieldvisit geocode run | place``: locate pending addresses, or place one by coordinates."""

from __future__ import annotations

import argparse
import configparser
from typing import TYPE_CHECKING, Any

from fieldvisit.app.runtime import db_url, open_database
from fieldvisit.i18n import translate

if TYPE_CHECKING:  # keeps ``fieldvisit --version`` free of the geocoding imports
    from fieldvisit.geocoding.settings import GeocodingSettings


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    geocode = commands.add_parser("geocode", help="locate addresses (geopy)", parents=[common])
    actions = geocode.add_subparsers(dest="geocode_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="locate every pending address", parents=[common])
    run.add_argument("--limit", type=int, default=None, help="at most N addresses")
    run.set_defaults(handler=geocode_pending)
    place = actions.add_parser("place", help="place an address by coordinates", parents=[common])
    place.add_argument("address_id", type=int)
    place.add_argument("lat", type=float)
    place.add_argument("lon", type=float)
    place.add_argument("--datum", choices=("wgs84", "gcj02", "bd09"), default="wgs84")
    place.set_defaults(handler=place_address)


def load_settings() -> GeocodingSettings:
    """The ``[geocoding]`` section of the settings file (defaults when there is none)."""
    from fieldvisit.app.config import settings_path
    from fieldvisit.geocoding.settings import settings_from_mapping

    parser = configparser.ConfigParser(interpolation=None)
    path = settings_path()
    if path.is_file():
        parser.read(path, encoding="utf-8")
    section = dict(parser["geocoding"]) if parser.has_section("geocoding") else {}
    return settings_from_mapping(section)


def _service(database: Any, url: str) -> Any:
    from fieldvisit.app.audit_paths import open_audit
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.geocoding.adapter import GeopyGeocoder
    from fieldvisit.geocoding.zones import zone_finder
    from fieldvisit.services.geocoding_service import GeocodingService

    settings = load_settings()
    audit = open_audit(url, system_clock)
    return GeocodingService(
        database.session_factory,
        GeopyGeocoder(settings),
        system_clock,
        audit,
        zone_finder=zone_finder(settings.timezone_library),
    )


def geocode_pending(args: argparse.Namespace) -> int:
    url = db_url(args)
    database = open_database(url)
    try:
        summary = _service(database, url).geocode_pending(limit=args.limit)
    finally:
        database.dispose()
    print(
        translate(
            "cli.geocode.done", args.lang, exact=summary.exact, approximate=summary.approximate,
            failed=summary.failed, cached=summary.cached, pending=summary.pending,
        )
    )  # fmt: skip
    if summary.unavailable:
        print(
            translate(
                "geocode.error.unavailable", args.lang, provider=load_settings().provider,
                detail=summary.unavailable, pending=summary.pending,
            )
        )  # fmt: skip
        return 1
    return 0


def place_address(args: argparse.Namespace) -> int:
    url = db_url(args)
    database = open_database(url)
    try:
        placed = _service(database, url).place_manually(
            args.address_id, args.lat, args.lon, datum=args.datum
        )
    finally:
        database.dispose()
    print(
        translate(
            "cli.geocode.placed", args.lang, address_id=placed.address_id,
            lat=f"{placed.lat:.6f}", lon=f"{placed.lon:.6f}",
        )
    )  # fmt: skip
    return 0
