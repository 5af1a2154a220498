"""``fieldvisit plan --crew CREW_ID --date D``: plan a crew's day and save it as a draft round.

Uses the same planning service as the Plan screen. The planner signs in (``--user`` and the
password from ``FIELDVISIT_PASSWORD`` or a prompt); nobody plans on someone else's behalf.
``--team TEAM_ID`` or several ``--crew`` plan crews together (``cli_team_plan``).
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.plan_output import print_left_out, print_stops
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date, parse_seconds

    plan = commands.add_parser(
        "plan", help="plan a crew's day, save a draft round", parents=[common]
    )
    plan.add_argument(
        "--crew", type=int, action="append", metavar="CREW_ID", help="repeat to plan crews together"
    )
    plan.add_argument("--team", type=int, metavar="TEAM_ID", help="plan a team's crews together")
    plan.add_argument("--date", type=parse_date, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--seconds", type=parse_seconds, default=5.0, help="search time (default 5)")
    plan.add_argument("--seed", type=int, default=0)
    add_login_options(plan)
    plan.set_defaults(handler=plan_day)


def plan_day(args: argparse.Namespace) -> int:
    if args.team is not None or len(args.crew or ()) > 1:
        from fieldvisit.app.cli_team_plan import plan_team

        return plan_team(args)
    if not args.crew:
        from fieldvisit.domain.errors import ValidationError

        raise ValidationError("cli.plan.no_crew")
    args.crew = args.crew[0]  # one crew: the single-crew flow below
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.day import DayRequest

    with command_backend(args) as backend:
        services = backend.services
        rounds = services.plan.rounds
        actor = login(args, services.auth)
        budget = Budget(seconds=args.seconds, seed=args.seed)
        # The crew's own day (shift, lunch break, maximum visits) as set on the Organisation screen.
        template = services.org.day_template(args.crew)
        request = DayRequest(args.crew, args.date, template=template)
        # The version planning starts from: a save by someone else meanwhile is refused.
        current = rounds.current_version(args.crew, args.date)
        plan = services.plan.planning.optimise(actor, request, budget)
        saved = rounds.save_draft(actor, plan, current)
    _print_plan(args, plan, saved)
    return 0


def _print_plan(args: argparse.Namespace, plan: Any, saved: Any) -> None:
    lang = args.lang
    print(
        translate(
            "cli.plan.summary",
            lang,
            crew=args.crew,
            date=args.date.isoformat(),
            round=saved.round_id,
            version=saved.version,
            scheduled=len(plan.stops),
            unscheduled=len(plan.left_out),
            minutes=plan.travel_seconds // 60,
        )
    )
    if saved.approval_withdrawn:
        print(translate("cli.plan.withdrawn", lang))
    print_stops(plan, lang)
    print_left_out(plan.left_out, lang)
