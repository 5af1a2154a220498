"""``fieldvisit import cases|contacts|payments|org|availability|consents FILE``: check and load
a creditor's files and the organisation's set-up, each file whole or not at all."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fieldvisit.app.wiring import command_backend
from fieldvisit.domain.errors import ValidationError
from fieldvisit.i18n import render, translate

MAX_ERRORS_SHOWN = 200


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    imports = commands.add_parser(
        "import", help="import case files, contacts, payments", parents=[common]
    )
    kinds = imports.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    for kind, text in (("cases", "a case file (委案清单)"), ("contacts", "a contact log"),
                       ("payments", "a payment file")):  # fmt: skip
        parser = kinds.add_parser(kind, help=f"import {text}", parents=[common])
        parser.add_argument("file", type=Path)
        parser.add_argument("--creditor", metavar="CODE", help="the creditor's code")
        parser.add_argument(
            "--mapping", metavar="MAPPING",
            help="a saved mapping's name, or a JSON file {header: field}",
        )  # fmt: skip
        parser.add_argument("--save-mapping", metavar="NAME", help="save the mapping used as NAME")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--keep-valid", action="store_true", help="import the valid rows, reject the others"
        )
        parser.add_argument("--errors", metavar="ERRFILE", type=Path, help="rejected rows (CSV)")
        parser.add_argument(
            "--decimal-comma", action="store_true",
            help="amounts use a decimal comma (12,50; 1.250,00), as in German files",
        )  # fmt: skip
        parser.add_argument(
            "--currency", type=_currency, metavar="CODE",
            help="ISO 4217 code of the amounts (default: the creditor's)",
        )  # fmt: skip
        parser.set_defaults(handler=import_file, kind=kind)
    register_org_imports(kinds, common)
    last = kinds.add_parser(
        "last", help="when contacts (or KIND) were last imported", parents=[common]
    )
    last.add_argument("--kind", choices=("cases", "contacts", "payments"), default="contacts")
    last.add_argument("--creditor", metavar="CODE")
    last.set_defaults(handler=show_last_import)


def register_org_imports(kinds: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli_login import add_login_options

    for kind, text in (
        ("org", "teams, creditors, crews and people (XLSX: one sheet each; CSV: a record column)"),
        ("availability", "debtors' declared windows and blackouts"),
        ("consents", "debtors' consents and notices given"),
    ):
        parser = kinds.add_parser(kind, help=f"import {text}", parents=[common])
        parser.add_argument("file", type=Path)
        add_login_options(parser)
        parser.set_defaults(handler=import_org_file, kind=kind)


def import_org_file(args: argparse.Namespace) -> int:
    from fieldvisit.app.cli_org import print_rejected, print_result, signed_in
    from fieldvisit.services.admin.org_files import declaration_entries, org_batch
    from fieldvisit.services.admin.organisation import OrgRejected

    with command_backend(args) as backend:
        services = backend.services
        actor = signed_in(args, services)
        try:
            if args.kind == "org":
                batch, unread = org_batch(args.file)
                result = services.org.apply(actor, batch, unread=unread)
            else:
                entries, unread = declaration_entries(args.file, args.kind)
                windows, consents = (entries, []) if args.kind == "availability" else ([], entries)
                result = services.declarations.record(actor, windows, consents, unread)
        except OrgRejected as rejected:
            return print_rejected(rejected, args.lang)
    print_result(result, args.lang)
    return 0


def import_file(args: argparse.Namespace) -> int:
    from fieldvisit.domain.import_fields import ImportKind
    from fieldvisit.services.importing.files import write_error_file
    from fieldvisit.services.importing.service import ImportRequest

    if args.errors and not args.keep_valid:
        raise ValidationError("import.error.errors_needs_keep_valid")
    mapping, mapping_name = _mapping_argument(args.mapping)
    with command_backend(args) as backend:
        request = ImportRequest(
            ImportKind(args.kind), args.file.name, args.creditor, mapping, mapping_name,
            args.save_mapping, args.dry_run, args.keep_valid,
            "," if args.decimal_comma else ".", args.currency,
        )  # fmt: skip
        report, table = backend.services.imports.run_file(args.file, request)
    _print_errors(report.errors, args.lang)
    if args.errors and report.errors:
        count = write_error_file(args.errors, table, report.errors, args.lang)
        print(translate("cli.import.errors_written", args.lang, count=count, path=args.errors))
    return _print_summary(report, args)


def _currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise argparse.ArgumentTypeError(translate("import.error.currency", "en", value=value))
    return code


def _mapping_argument(value: str | None) -> tuple[dict[str, str] | None, str | None]:
    if value is None:
        return None, None
    path = Path(value)
    if not path.is_file():
        return None, value
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ValidationError("import.error.mapping_file", path=value, detail=str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValidationError("import.error.mapping_file", path=value, detail="not an object")
    return {str(k): v for k, v in data.items()}, None


def _print_errors(errors: Any, lang: str) -> None:
    for error in errors[:MAX_ERRORS_SHOWN]:
        print(
            translate(
                "cli.import.line", lang, row=error.row, column=error.column,
                value=error.value, problem=render(error.message, lang),
            )
        )  # fmt: skip
    if len(errors) > MAX_ERRORS_SHOWN:
        print(translate("cli.import.more_errors", lang, count=len(errors) - MAX_ERRORS_SHOWN))


def _print_summary(report: Any, args: argparse.Namespace) -> int:
    lang = args.lang
    if args.dry_run:
        valid = report.total - report.rejected
        print(
            translate(
                "cli.import.dry_run",
                lang,
                total=report.total,
                valid=valid,
                rejected=report.rejected,
            )
        )
        return 2 if report.errors else 0
    if not report.committed:
        print(translate("cli.import.failed", lang, total=report.total, rejected=report.rejected))
        return 2
    counts = report.counts
    print(
        translate(
            "cli.import.done", lang, kind=translate(f"import.kind.{report.kind.value}", lang),
            total=report.total, created=counts.created, updated=counts.updated,
            unchanged=counts.unchanged, rejected=report.rejected,
        )
    )  # fmt: skip
    return 0


def show_last_import(args: argparse.Namespace) -> int:
    from fieldvisit.domain.import_fields import ImportKind
    from fieldvisit.services.importing.service import last_import_time

    with command_backend(args) as backend:
        at = last_import_time(
            backend.database.session_factory, ImportKind(args.kind), args.creditor
        )
        zone = backend.services.users.zone(None)  # the organisation's, with its offset
    kind = translate(f"import.kind.{args.kind}", args.lang)
    if at is None:
        print(translate("cli.import.never", args.lang, kind=kind))
    else:
        print(
            translate(
                "cli.import.last",
                args.lang,
                kind=kind,
                at=at.astimezone(zone).isoformat(timespec="seconds"),
            )
        )
    return 0
