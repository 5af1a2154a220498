"""The ``fieldvisit`` command line; without a subcommand it opens the desktop window.

Each feature registers its subcommands in its own ``fieldvisit/app/cli_<feature>.py`` module
(a ``register(commands, common)`` function that sets ``handler`` on its parsers); adding a
feature adds one line to ``COMMAND_MODULES``. Command modules import their heavy dependencies
inside the handlers, so ``fieldvisit --version`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import math
import multiprocessing
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from fieldvisit import __version__
from fieldvisit.domain.errors import FieldVisitError, NotFoundError, ValidationError
from fieldvisit.i18n import LANGUAGES, render, system_language, translate

COMMAND_MODULES: tuple[str, ...] = (
    "fieldvisit.app.cli_check",
    "fieldvisit.app.cli_db",
    "fieldvisit.app.cli_demo",
    "fieldvisit.app.cli_import",
    "fieldvisit.app.cli_geocode",
    "fieldvisit.app.cli_audit",
    "fieldvisit.app.cli_print",
    "fieldvisit.app.cli_users",
    "fieldvisit.app.cli_safety",
    "fieldvisit.app.cli_notify",
    "fieldvisit.app.cli_solve",
    "fieldvisit.app.cli_plan",
    "fieldvisit.app.cli_assign",
    "fieldvisit.app.cli_replan",
    "fieldvisit.app.cli_serve",
    "fieldvisit.app.cli_doctor",
    "fieldvisit.app.cli_org",
    "fieldvisit.app.cli_round",
)


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts after its name too (``fieldvisit db upgrade --db URL``)."""
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
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="fieldvisit", parents=[common], description="FieldVisit (外访助手)"
    )
    parser.add_argument("--version", action="version", version=f"fieldvisit {__version__}")
    parser.add_argument(
        "--server",
        metavar="URL",
        help="open the window in team mode on this team server (https://host:port)",
    )
    parser.add_argument(
        "--ca-file",
        metavar="PEM",
        type=Path,
        help="certificate authority that signed the team server's certificate (a private CA)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, common)
    return parser


# Dates a field team plans or reports on; beyond them date arithmetic overflows (9999-12-31 + 1).
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2199, 12, 31)


def parse_date(value: str) -> date:
    """An argparse type for ``YYYY-MM-DD`` dates between 2000 and 2199."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            translate("error.demo.bad_date", "en", value=value)
        ) from exc
    if not FIRST_DATE <= parsed <= LAST_DATE:
        raise argparse.ArgumentTypeError(
            translate("error.cli.date_range", "en", value=value, first=FIRST_DATE, last=LAST_DATE)
        )
    return parsed


def parse_seconds(value: str) -> float:
    """An argparse type for a search time: a finite number of seconds above 0, at most an hour."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 3600:  # NaN fails every comparison
        raise argparse.ArgumentTypeError(translate("error.cli.seconds", "en", value=value))
    return seconds


def parse_instant(value: str) -> datetime:
    """An argparse type for ISO 8601 instants with their UTC offset (an injected clock)."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(translate("safety.cli.naive_time", "en", value=value))
    return parsed


def _run_window(args: argparse.Namespace) -> int:
    from fieldvisit.app.config import server_settings
    from fieldvisit.app.gui import run
    from fieldvisit.app.remote_client import server_address
    from fieldvisit.app.wiring import db_url

    # --server, else the settings file's [server] url, unless --db names a database here.
    url, ca_file = server_settings(args.server, args.ca_file, getattr(args, "db", None))
    server = None if url is None else server_address(url, ca_file)
    return run(db_url(args), args.requested_lang, server)


def main(argv: Sequence[str] | None = None) -> int:
    # In a frozen bundle the planner's 'spawn' child starts this same executable: freeze_support
    # runs the child's work and exits before the command line is parsed (a no-op otherwise).
    multiprocessing.freeze_support()
    args = build_parser().parse_args(argv)
    args.requested_lang = getattr(args, "lang", None)  # None: the saved or system language
    args.lang = args.requested_lang or system_language()
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = _run_window
    try:
        return int(handler(args))
    except FieldVisitError as exc:
        print(render(exc.message, args.lang), file=sys.stderr)
        return 2 if isinstance(exc, ValidationError | NotFoundError) else 1
    except OSError as exc:
        # A file given on the command line that cannot be written or read (--out /proc/x.pdf).
        where = exc.filename if exc.filename is not None else ""
        reason = exc.strerror or str(exc)
        print(translate("error.cli.file", args.lang, path=where, reason=reason), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
