"""``fieldvisit replan --crew C --date D --reason R``: re-plan the rest of a round under way.

The same service as the Today screen's re-plan: finished stops stay, dropped cases go, added
(urgent) cases come in, and only new exceptions wait for a manager. ``--dry-run`` only shows it.
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import render, translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date, parse_instant, parse_seconds

    replan = commands.add_parser(
        "replan", help="re-plan the rest of a round under way", parents=[common]
    )
    replan.add_argument("--crew", type=int, required=True, metavar="CREW_ID")
    replan.add_argument("--date", type=parse_date, required=True, metavar="YYYY-MM-DD")
    replan.add_argument("--reason", required=True, help="why (running late, no access, …)")
    replan.add_argument("--add", type=int, nargs="*", default=[], metavar="CASE_ID")
    replan.add_argument("--drop", type=int, nargs="*", default=[], metavar="CASE_ID")
    replan.add_argument(
        "--now", type=parse_instant, default=None, metavar="ISO", help="fixed clock"
    )
    replan.add_argument(
        "--seconds", type=parse_seconds, default=3.0, help="search time (default 3)"
    )
    replan.add_argument("--seed", type=int, default=0)
    replan.add_argument("--dry-run", action="store_true", help="show the proposal, save nothing")
    add_login_options(replan)
    replan.set_defaults(handler=replan_day)


def replan_day(args: argparse.Namespace) -> int:
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.domain.errors import NotFoundError
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.replanning import ReplanRequest

    fixed = args.now
    clock = system_clock if fixed is None else (lambda: fixed)
    with command_backend(args, clock=clock) as backend:
        services = backend.services
        rounds, replans = services.plan.rounds, services.plan.replans
        assert replans is not None  # the wiring always builds the re-plan service
        actor = login(args, services.auth)
        saved = rounds.for_day(actor, args.crew, args.date)
        if saved is None:
            raise NotFoundError("replan.error.no_round", crew=args.crew, date=args.date.isoformat())
        request = ReplanRequest(saved.round_id, args.reason, tuple(args.add), tuple(args.drop))
        proposal = replans.propose(actor, request, Budget(seconds=args.seconds, seed=args.seed))
        _print(args.lang, proposal)
        if not args.dry_run:
            stored = replans.apply(actor, proposal)
            print(
                translate(
                    "cli.replan.saved", args.lang, round=stored.round_id, version=stored.version
                )
            )
    return 0


def _print(lang: str, proposal: Any) -> None:
    print(render(proposal.summary, lang))
    for seq, (stop, approval) in enumerate(
        zip(proposal.plan.stops, proposal.approvals, strict=True), start=proposal.first_seq
    ):
        print(
            translate(
                "cli.replan.stop",
                lang,
                seq=seq,
                start=f"{stop.start:%H:%M}",
                end=f"{stop.end:%H:%M}",
                case=stop.case_number,
                approval=translate(f"replan.approval.{approval.value}", lang),
            )
        )
    for problem in proposal.plan.problems:
        print(render(problem, lang))
    if proposal.needs_approval:
        print(translate("replan.needs_approval", lang))
