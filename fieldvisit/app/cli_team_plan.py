"""``fieldvisit plan --team TEAM_ID`` (or several ``--crew``): plan crews together, hand out drafts.

Uses the same team planning service as the Team plan screen. Without ``--user`` the team's
first manager plans; the drafts then go through submit and approval as usual.
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.cli_plan import print_left_out, print_stops
from fieldvisit.app.runtime import db_url, open_database
from fieldvisit.i18n import translate


def plan_team(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import open_audit
    from fieldvisit.app.cli_acting import acting_user, team_manager
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.routing.budget import Budget
    from fieldvisit.routing.planner import solve
    from fieldvisit.services.eligibility import EligibilityService
    from fieldvisit.services.rounds import RoundService
    from fieldvisit.services.team_planning import TeamPlanningService
    from fieldvisit.services.team_planning_model import TeamRequest
    from fieldvisit.services.users import UserDirectory

    url = db_url(args)
    database = open_database(url)
    factory = database.session_factory
    rounds = RoundService(factory, open_audit(url, system_clock), system_clock)
    service = TeamPlanningService(factory, EligibilityService(factory), solve, rounds)
    crews = tuple(args.crew or ())
    team_id = args.team if args.team is not None else service.team_of(crews[0])
    users = UserDirectory(factory)
    actor = acting_user(users, args.user, lambda: team_manager(users, team_id))
    request = TeamRequest(args.date, team_id=team_id, crew_ids=crews)
    plan = service.optimise(actor, request, Budget(seconds=args.seconds, seed=args.seed))
    saved = service.hand_out(actor, plan)
    _print_team(args.lang, plan, saved)
    database.dispose()
    return 0


def _print_team(lang: str, plan: Any, saved: Any) -> None:
    rounds = {crew.crew_id: s for crew, s in zip(plan.to_hand_out, saved, strict=True)}
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
    print_left_out(plan.left_out, lang)
