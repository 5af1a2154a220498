"""``fieldvisit plan --crew CREW_ID --date D``: plan a crew's day and save it as a draft round.

Uses the same planning service as the Plan screen. Without ``--user`` the crew's first member
plans, as a collector would for their own crew. ``--team TEAM_ID`` or several ``--crew`` plan
crews together (``cli_team_plan``).
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.runtime import db_url, open_database
from fieldvisit.i18n import render, translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date

    plan = commands.add_parser(
        "plan", help="plan a crew's day, save a draft round", parents=[common]
    )
    plan.add_argument(
        "--crew", type=int, action="append", metavar="CREW_ID", help="repeat to plan crews together"
    )
    plan.add_argument("--team", type=int, metavar="TEAM_ID", help="plan a team's crews together")
    plan.add_argument("--date", type=parse_date, required=True, metavar="YYYY-MM-DD")
    plan.add_argument("--user", default=None, metavar="USERNAME", help="plan as this user")
    plan.add_argument("--seconds", type=float, default=5.0, help="search time (default 5)")
    plan.add_argument("--seed", type=int, default=0)
    plan.set_defaults(handler=plan_day)


def plan_day(args: argparse.Namespace) -> int:
    if args.team is not None or len(args.crew or ()) > 1:
        from fieldvisit.app.cli_team_plan import plan_team

        return plan_team(args)
    if not args.crew:
        from fieldvisit.domain.errors import ValidationError

        raise ValidationError("cli.plan.no_crew")
    args.crew = args.crew[0]  # one crew: the single-crew flow below
    from fieldvisit.app.audit_paths import open_audit
    from fieldvisit.app.cli_acting import acting_user, first_member
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.routing.budget import Budget
    from fieldvisit.routing.planner import solve
    from fieldvisit.services.eligibility import EligibilityService
    from fieldvisit.services.planning import DayRequest, PlanningService
    from fieldvisit.services.rounds import RoundService
    from fieldvisit.services.users import UserDirectory

    url = db_url(args)
    database = open_database(url)
    rounds = RoundService(database.session_factory, open_audit(url, system_clock), system_clock)
    users = UserDirectory(database.session_factory)
    actor = acting_user(
        users, args.user, lambda: first_member(users, rounds.crew_members(args.crew), args.crew)
    )
    planning = PlanningService(
        database.session_factory, EligibilityService(database.session_factory), solve
    )
    plan = planning.optimise(
        actor, DayRequest(args.crew, args.date), Budget(seconds=args.seconds, seed=args.seed)
    )
    current = rounds.current_version(args.crew, args.date)
    saved = rounds.save_draft(actor, plan, current)
    _print_plan(args, plan, saved)
    database.dispose()
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


def print_stops(plan: Any, lang: str) -> None:
    """A round's stops, one line each: order, visit time, case and its status with rules."""
    for seq, stop in enumerate(plan.stops, start=1):
        status = translate(f"status.{stop.status.value}", lang)
        rules = ", ".join(r.rule for r in stop.reasons)
        print(
            translate(
                "cli.plan.stop",
                lang,
                seq=seq,
                start=f"{stop.start:%H:%M}",
                end=f"{stop.end:%H:%M}",
                case=stop.case_number,
                status=f"{status} {rules}".strip(),
            )
        )


def print_left_out(left_out: Any, lang: str) -> None:
    """The cases left out, each with its blocking rules or route codes."""
    for left in left_out:
        reasons = [
            f"{r.rule} {render(r.message, lang)}"
            for r in left.reasons
            if r.severity.value == "block"
        ]
        reasons += [translate(code, lang) for code in left.route_codes]
        print(
            translate(
                "cli.plan.left_out", lang, case=left.case_number, reasons="; ".join(reasons) or "-"
            )
        )
