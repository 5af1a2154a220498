"""``fieldvisit round submit|approve|reject --crew CREW_ID --date D``: a round's lifecycle.

The same round service as the Plan and Approvals screens: the crew submits its saved round, a
manager outside the crew approves or rejects it with a reason; each step is audited.
"""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.app.cli_login import add_login_options
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date

    rounds = commands.add_parser("round", help="submit, approve or reject a round",
                                 parents=[common])  # fmt: skip
    actions = rounds.add_subparsers(dest="round_action", metavar="ACTION", required=True)
    for action, text in (("submit", "submit the crew's saved round for approval"),
                         ("approve", "approve a submitted round (a manager outside the crew)"),
                         ("reject", "reject a submitted round")):  # fmt: skip
        parser = actions.add_parser(action, help=text, parents=[common])
        parser.add_argument("--crew", type=int, required=True, metavar="CREW_ID")
        parser.add_argument("--date", type=parse_date, required=True, metavar="YYYY-MM-DD")
        if action != "submit":
            parser.add_argument("--reason", required=True, help="why (kept in the audit log)")
        add_login_options(parser)
        parser.set_defaults(handler=round_step, action=action)


def round_step(args: argparse.Namespace) -> int:
    from fieldvisit.app.cli_org import signed_in
    from fieldvisit.domain.errors import NotFoundError

    with command_backend(args) as backend:
        rounds = backend.services.plan.rounds
        actor = signed_in(args, backend.services)
        if args.action == "submit":
            detail = rounds.for_day(actor, args.crew, args.date)
            if detail is None:
                raise NotFoundError("round.cli.none", crew=args.crew, date=args.date.isoformat())
            saved = rounds.submit(actor, detail.round_id)
        else:
            waiting = [r for r in rounds.queue(actor)
                       if r.crew_id == args.crew and r.plan_date == args.date]  # fmt: skip
            if not waiting:
                raise NotFoundError("round.cli.none_waiting", crew=args.crew,
                                    date=args.date.isoformat())  # fmt: skip
            step = rounds.approve if args.action == "approve" else rounds.reject
            saved = step(actor, waiting[0].round_id, args.reason)
    status = translate(f"round.cli.status.{saved.status.value}", args.lang)
    print(translate("round.cli.done", args.lang, round=saved.round_id, status=status))
    return 0
