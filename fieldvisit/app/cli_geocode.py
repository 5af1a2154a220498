"""``fieldvisit geocode run | place``: locate pending addresses, or place one by coordinates."""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.config import geocoding_settings
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


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


def geocode_pending(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        summary = backend.geocoding(geocoding_settings()).geocode_pending(limit=args.limit)
    print(
        translate(
            "cli.geocode.done", args.lang, exact=summary.exact, approximate=summary.approximate,
            failed=summary.failed, cached=summary.cached, pending=summary.pending,
        )
    )  # fmt: skip
    if summary.unavailable:
        print(
            translate(
                "geocode.error.unavailable", args.lang, provider=geocoding_settings().provider,
                detail=summary.unavailable, pending=summary.pending,
            )
        )  # fmt: skip
        return 1
    return 0


def place_address(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        placed = backend.geocoding(geocoding_settings()).place_manually(
            args.address_id, args.lat, args.lon, datum=args.datum
        )
    print(
        translate(
            "cli.geocode.placed", args.lang, address_id=placed.address_id,
            lat=f"{placed.lat:.6f}", lon=f"{placed.lon:.6f}",
        )
    )  # fmt: skip
    return 0
