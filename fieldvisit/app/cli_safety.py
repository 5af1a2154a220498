"""``fieldvisit safety watch | board``: the headless watcher that owns the timers, and the board."""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fieldvisit.app.wiring import Backend, command_backend
from fieldvisit.domain.clock import Clock, system_clock
from fieldvisit.domain.errors import ValidationError
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_instant

    safety = commands.add_parser("safety", help="safety watcher and board", parents=[common])
    actions = safety.add_subparsers(dest="safety_command", metavar="ACTION", required=True)
    clock = argparse.ArgumentParser(add_help=False)
    clock.add_argument("--now", type=parse_instant, default=None, metavar="ISO", help="fixed clock")
    clock.add_argument("--offset", type=float, default=0.0, metavar="S", help="clock offset")
    clock.add_argument("--audit-key", type=Path, default=None, metavar="PATH")
    watch = actions.add_parser(
        "watch", help="raise overdue alarms and escalation steps", parents=[common, clock]
    )
    watch.add_argument("--interval", type=float, default=5.0, metavar="S")
    watch.add_argument("--once", action="store_true", help="one pass, then exit")
    watch.add_argument("--watcher-id", default=None)
    watch.set_defaults(handler=run_watch)
    board = actions.add_parser("board", help="print the safety board", parents=[common, clock])
    board.add_argument("--user", required=True, help="the manager or safety lead watching")
    board.set_defaults(handler=print_board)


def make_clock(args: argparse.Namespace) -> Clock:
    """The real clock, or an injected one (tests and drills): fixed ``--now`` or shifted."""
    fixed: datetime | None = args.now
    shift = timedelta(seconds=args.offset)
    if fixed is not None:
        return lambda: fixed + shift
    return lambda: system_clock() + shift


def _backend(args: argparse.Namespace) -> Backend:
    # The same key every other command uses for this database, unless one is named.
    return command_backend(args, clock=make_clock(args), audit_key=args.audit_key)


def run_watch(args: argparse.Namespace) -> int:
    if args.interval <= 0:
        raise ValidationError("safety.cli.bad_interval")
    with _backend(args) as backend:
        watcher = backend.watcher(args.watcher_id)
        if args.once:
            _print_raised(watcher.run_once(), args.lang)
            watcher.retire()
            return 0
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        url = backend.database.display_url
        print(translate("safety.cli.watching", args.lang, url=url, id=watcher.watcher_id))
        watcher.run_forever(stop, args.interval)
    return 0


def _print_raised(report: Any, lang: str) -> None:
    for item in report.raised:
        alarm = item.alarm
        print(
            translate(
                "safety.cli.raised",
                lang,
                session=item.session_id,
                kind=alarm.kind.value,
                step=alarm.step,
                audience=translate(f"safety.audience.{alarm.audience.value}", lang),
            )
        )
    print(
        translate("safety.cli.pass_done", lang, sessions=report.sessions, raised=len(report.raised))
    )


def print_board(args: argparse.Namespace) -> int:
    from fieldvisit.services.field.safety_users import actor_by_username

    with _backend(args) as backend:
        services = backend.services
        snapshot = services.safety_board.snapshot(actor_by_username(services.safety, args.user))
    key = "safety.cli.watcher_silent" if snapshot.watcher.silent else "safety.cli.watcher_ok"
    beat = snapshot.watcher.last_beat
    # In the viewer's team's zone, with its offset (ISO 8601), never a bare UTC time.
    zone = ZoneInfo(snapshot.zone)
    at = beat.astimezone(zone).isoformat(timespec="seconds") if beat else "-"
    print(translate(key, args.lang, at=at))
    for row in snapshot.rows:
        alarms = ", ".join(
            f"{a.kind.value}/{a.step}/{a.state.value}/{a.acknowledged_by or '-'}"
            for a in row.alarms
        )
        print(f"{row.session_id}\t{row.state.value}\t{row.crew}\t{alarms or '-'}")
    return 0
