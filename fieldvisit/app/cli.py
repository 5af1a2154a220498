"""The ``fieldvisit`` command line; without a subcommand it opens the desktop window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from fieldvisit import __version__
from fieldvisit.domain.errors import FieldVisitError, ValidationError
from fieldvisit.i18n import LANGUAGES, render, system_language, translate

Handler = Callable[[argparse.Namespace], int]


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps a value given before the subcommand from being reset by the subparser.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (sqlite:///file.db or postgresql+psycopg://…)",
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of messages (default: the system's)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="fieldvisit", parents=[common], description="FieldVisit (外访助手)"
    )
    parser.add_argument("--version", action="version", version=f"fieldvisit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance", parents=[common])
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate to the newest schema", parents=[common])
    backup = db_commands.add_parser("backup", help="write a consistent backup", parents=[common])
    backup.add_argument("file", type=Path)
    restore = db_commands.add_parser(
        "restore", help="restore a backup into an empty database", parents=[common]
    )
    restore.add_argument("file", type=Path)

    demo = commands.add_parser(
        "demo", help="create the demo data set in its own database", parents=[common]
    )
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--today", type=_parse_date, default=None, metavar="YYYY-MM-DD")
    return parser


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            translate("error.demo.bad_date", "en", value=value)
        ) from exc


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang: str = getattr(args, "lang", None) or system_language()
    args.lang = lang
    handler = _handler(args)
    try:
        return handler(args)
    except FieldVisitError as exc:
        print(render(exc.message, lang), file=sys.stderr)
        return 2 if isinstance(exc, ValidationError) else 1


def _handler(args: argparse.Namespace) -> Handler:
    from fieldvisit.app import commands

    if args.command is None:
        return commands.run_window
    if args.command == "demo":
        return commands.demo
    return {
        "upgrade": commands.db_upgrade,
        "backup": commands.db_backup,
        "restore": commands.db_restore,
    }[args.db_command]


if __name__ == "__main__":
    raise SystemExit(main())
