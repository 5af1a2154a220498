"""``fieldvisit org team|crew|creditor add|edit|list``: set up an organisation without SQL.

The same organisation service as the Organisation screen and ``fieldvisit import org``; every
change is made by a signed-in user (``--user``), audited, and refused with the field named.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Mapping
from datetime import date, time
from enum import Enum
from typing import TYPE_CHECKING, Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import render, translate

if TYPE_CHECKING:
    from fieldvisit.services.admin.organisation import OrgRejected, OrgResult

# (option, field, help); the field names are the import file's column names too.
TEAM_OPTIONS = (
    ("--name", "name", "the team's name"),
    ("--profile", "profile", "rule profile (CN, US, US-MA, UK, IE, DE)"),
    ("--timezone", "timezone", "IANA time zone, e.g. Asia/Shanghai"),
    ("--holiday-region", "holiday_region", "holiday calendar region, e.g. BY"),
)
CREDITOR_OPTIONS = (
    ("--name", "name", "the creditor's name"),
    ("--currency", "currency", "ISO 4217 code of its accounts, e.g. CNY"),
)
CREW_OPTIONS = (("--base-lat", "base_lat", "latitude of the crew's base (WGS-84)"),
                ("--base-lon", "base_lon", "longitude of the crew's base"),
                ("--base-address", "base_address", "the base's address"),
                ("--shift-start", "shift_start", "HH:MM"), ("--shift-end", "shift_end", "HH:MM"),
                ("--break-earliest", "break_earliest", "lunch break from HH:MM"),
                ("--break-latest", "break_latest", "lunch break ends by HH:MM"),
                ("--break-minutes", "break_minutes", "length of the lunch break"),
                ("--max-visits", "max_visits", "maximum visits a day"),
                ("--speed-kmh", "speed_kmh", "travel speed"))  # fmt: skip


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    org = commands.add_parser("org", help="teams, crews and creditors", parents=[common])
    kinds = org.add_subparsers(dest="org_kind", metavar="KIND", required=True)
    for kind, key, options in (("team", "code", TEAM_OPTIONS), ("crew", "name", CREW_OPTIONS),
                               ("creditor", "code", CREDITOR_OPTIONS)):  # fmt: skip
        parser = kinds.add_parser(kind, help=f"add, edit or list {kind}s", parents=[common])
        actions = parser.add_subparsers(dest="org_action", metavar="ACTION", required=True)
        for action in ("add", "edit"):
            sub = actions.add_parser(action, help=f"{action} a {kind}", parents=[common])
            if kind == "crew":
                sub.add_argument("team", metavar="TEAM", help="the team's code")
            sub.add_argument(key, metavar=key.upper())
            for option, field, text in options:
                sub.add_argument(
                    option, dest=f"f_{field}", default=None, metavar="VALUE", help=text
                )
            if kind == "crew":
                sub.add_argument("--members", default=None, metavar="USER,USER",
                                 help="exactly these people (usernames) in the crew")  # fmt: skip
            add_login_options(sub)
            sub.set_defaults(handler=change, kind=kind, action=action, key=key)
        listing = actions.add_parser("list", help=f"list {kind}s", parents=[common])
        if kind == "crew":
            listing.add_argument("--team", default=None, metavar="CODE")
        listing.add_argument("--json", action="store_true", help="machine-readable output")
        add_login_options(listing)
        listing.set_defaults(handler=list_records, kind=kind)


def signed_in(args: argparse.Namespace, services: Any) -> Any:
    """The signed-in actor; on a database without any user, says how to create the first."""
    from fieldvisit.domain.errors import ValidationError

    if services.org.is_empty():
        raise ValidationError("org.error.first_run")
    return login(args, services.auth)


def _fields(args: argparse.Namespace) -> dict[str, str]:
    return {k[2:]: v for k, v in vars(args).items() if k.startswith("f_") and v is not None}


def plain(value: Any) -> Any:
    """A value as JSON holds it: times as HH:MM, dates ISO, dataclasses as objects."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, time):
        return value.isoformat("minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _current(services: Any, actor: Any, kind: str, args: argparse.Namespace) -> dict[str, str]:
    """The stored record as text fields, so an edit changes only the options given."""
    from fieldvisit.services.admin.org_text import crew_fields

    org = services.org
    if kind == "team":
        rows = [t for t in org.teams(actor) if t.code == args.code]
        return {} if not rows else {
            "code": rows[0].code, "name": rows[0].name, "profile": rows[0].profile,
            "timezone": rows[0].timezone, "holiday_region": rows[0].holiday_region or "",
        }  # fmt: skip
    if kind == "creditor":
        found = [c for c in org.creditors(actor) if c.code == args.code]
        return {} if not found else {
            "code": found[0].code, "name": found[0].name, "currency": found[0].currency or ""
        }  # fmt: skip
    crews = [c for c in org.crews(actor, args.team) if c.name == args.name]
    return {} if not crews else crew_fields(crews[0])


def change(args: argparse.Namespace) -> int:
    from fieldvisit.domain.compliance.profiles import available_profiles
    from fieldvisit.domain.organisation import (
        FieldError,
        parse_creditor,
        parse_crew,
        parse_team,
    )
    from fieldvisit.services.admin.org_store import Mode
    from fieldvisit.services.admin.organisation import Entry, OrgBatch, OrgProblem, OrgRejected

    parsers: Mapping[str, Callable[[Mapping[str, str]], Any]] = {
        "team": lambda v: parse_team(v, available_profiles()),
        "creditor": parse_creditor, "crew": parse_crew,
    }  # fmt: skip
    with command_backend(args) as backend:
        services = backend.services
        actor = signed_in(args, services)
        values = _current(services, actor, args.kind, args) if args.action == "edit" else {}
        values.update(_fields(args))
        values[args.key] = getattr(args, args.key)
        if args.kind == "crew":
            values["team"] = args.team
        try:
            entry = Entry(parsers[args.kind](values))
        except FieldError as error:
            problem = OrgProblem("", 0, error.field, error.value, error.message)
            return print_rejected(OrgRejected([problem]), args.lang)
        batch = OrgBatch(**{f"{args.kind}s": [entry]})
        try:
            result = services.org.apply(actor, batch, Mode(args.action))
            if args.kind == "crew" and args.members is not None:
                names = [n.strip() for n in args.members.split(",") if n.strip()]
                result = services.org.set_members(actor, result.ids[0], names)
        except OrgRejected as rejected:
            return print_rejected(rejected, args.lang)
    print_result(result, args.lang)
    return 0


def print_rejected(rejected: OrgRejected, lang: str) -> int:
    """Every refused record with where it came from and the field; the exit status is 2."""
    for p in rejected.problems:
        where = ""
        if p.row:
            key = "org.cli.where" if p.sheet else "org.cli.where_row"
            where = translate(key, lang, sheet=p.sheet, row=p.row)
        print(translate("org.cli.problem", lang, where=where, field=p.field, value=p.value,
                        problem=render(p.message, lang)), file=sys.stderr)  # fmt: skip
    print(translate("org.cli.nothing_written", lang), file=sys.stderr)
    return 2


def print_result(result: OrgResult, lang: str) -> None:
    print(translate("org.cli.done", lang, created=result.created, updated=result.updated,
                    unchanged=result.unchanged))  # fmt: skip
    for warning in result.warnings:
        print(translate("org.cli.warning", lang, text=render(warning, lang)))


def list_records(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        services = backend.services
        actor = signed_in(args, services)
        org = services.org
        if args.kind == "team":
            rows: list[Any] = org.teams(actor)
        elif args.kind == "creditor":
            rows = org.creditors(actor)
        else:
            rows = org.crews(actor, args.team)
    if args.json:
        print(json.dumps(plain(rows), ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(_line(args.kind, row))
    return 0


def _line(kind: str, row: Any) -> str:
    if kind == "team":
        region = f" {row.holiday_region}" if row.holiday_region else ""
        return f"{row.id}\t{row.code}\t{row.name}\t{row.profile}{region}\t{row.timezone}"
    if kind == "creditor":
        return f"{row.id}\t{row.code}\t{row.name}\t{row.currency or '-'}"
    day = row.day
    return (f"{row.id}\t{row.team}\t{row.name}\t{','.join(row.members) or '-'}\t"
            f"{day.shift_start:%H:%M}-{day.shift_end:%H:%M}\tmax {day.max_visits}")  # fmt: skip
