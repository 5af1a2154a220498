"""``fieldvisit plan --team TEAM_ID`` (or several ``--crew``): plan crews together, hand out drafts.

Uses the same team planning service as the Team plan screen, signed in as the manager who plans;
the drafts then go through submit and approval as usual.
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.cli_login import login
from fieldvisit.app.plan_output import print_left_out, print_stops
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def plan_team(args: argparse.Namespace) -> int:
    from fieldvisit.routing.budget import Budget
    from fieldvisit.services.planning.team_model import TeamRequest

    with command_backend(args) as backend:
        service = backend.services.plan.team
        assert service is not None  # the wiring always builds team planning
        crews = tuple(args.crew or ())
        team_id = args.team if args.team is not None else service.team_of(crews[0])
        actor = login(args, backend.services.auth)
        request = TeamRequest(args.date, team_id=team_id, crew_ids=crews)
        plan = service.optimise(actor, request, Budget(seconds=args.seconds, seed=args.seed))
        saved = service.hand_out(actor, plan)
    _print_team(args.lang, plan, saved)
    return 0


def _print_team(lang: str, plan: Any, saved: Any) -> None:
    rounds = saved.saved
    print(
        translate(
            "cli.team_plan.summary",
            lang,
            date=plan.day.isoformat(),
            crews=len(plan.crews),
            scheduled=sum(len(c.plan.stops) for c in plan.crews),
            unscheduled=len(plan.left_out),
            minutes=plan.travel_seconds // 60,
        )
    )
    for crew in plan.crews:
        done = rounds.get(crew.crew_id)
        print(
            translate(
                "cli.team_plan.crew",
                lang,
                crew=crew.crew_id,
                name=crew.name,
                round=done.round_id if done else "-",
                version=done.version if done else "-",
                scheduled=len(crew.plan.stops),
                minutes=crew.plan.travel_seconds // 60,
            )
        )
        print_stops(crew.plan, lang)
    for held in saved.kept:
        status = translate(f"plan_ui.round_status.{held.status.value}", lang)
        print(translate("cli.team_plan.kept", lang, crew=held.crew_name, status=status))
    print_left_out(plan.left_out, lang)
