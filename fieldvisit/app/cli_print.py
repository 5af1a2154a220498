"""``fieldvisit print visit ID | case NUMBER | binder START END | route --crew C --date D``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date

    printing = commands.add_parser("print", help="print visit records as PDF", parents=[common])
    kinds = printing.add_subparsers(dest="print_kind", metavar="WHAT", required=True)
    visit = kinds.add_parser("visit", help="one visit record", parents=[common])
    visit.add_argument("record_id", type=int, metavar="RECORD_ID")
    case = kinds.add_parser("case", help="a case's visit history", parents=[common])
    case.add_argument("case_number", metavar="CASE_NUMBER")
    binder = kinds.add_parser("binder", help="all records of a date range", parents=[common])
    binder.add_argument("start", type=parse_date, metavar="START")
    binder.add_argument("end", type=parse_date, metavar="END")
    route = kinds.add_parser("route", help="a crew's route sheet for a date", parents=[common])
    route.add_argument("--crew", type=int, required=True, metavar="CREW_ID")
    route.add_argument("--date", type=parse_date, required=True, metavar="D")
    for parser in (visit, case, binder, route):
        parser.add_argument("--out", type=Path, required=True, metavar="F.pdf")
        parser.add_argument("--purpose", default="", help="why (logged when data is unmasked)")
        add_login_options(parser)
        parser.set_defaults(handler=print_records)


def print_records(args: argparse.Namespace) -> int:
    with command_backend(args, existing=True) as backend:
        services = backend.services
        actor = login(args, services.auth)
        backend.anchor_daily()
        service = services.records
        if args.print_kind == "route":
            assert services.plan.sheets is not None  # the wiring always builds the route sheets
            pdf = services.plan.sheets.print_route(actor, args.crew, args.date, args.lang)
        elif args.print_kind == "visit":
            pdf = service.print_visit(actor, args.record_id, args.lang, args.purpose)
        elif args.print_kind == "case":
            pdf = service.print_case(actor, args.case_number, args.lang, args.purpose)
        else:
            pdf = service.print_binder(actor, args.start, args.end, args.lang, args.purpose)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    print(translate("records.print.written", args.lang, path=args.out, size=len(pdf)))
    return 0
