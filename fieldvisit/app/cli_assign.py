"""``fieldvisit assign --crew CREW_ID (--case N … | --filter K=V … | --area …) --reason TEXT``.

Uses the same assignment service as the Assign screen, so the same rules, refusals and audit
entries apply. The manager signs in (``--user`` and the password from ``FIELDVISIT_PASSWORD``
or a prompt); nobody assigns on someone else's behalf.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate

if TYPE_CHECKING:
    from fieldvisit.domain.access import Actor
    from fieldvisit.services.cases.queries import CaseQuery
    from fieldvisit.services.planning.assignment import AssignmentResult, AssignmentService

FILTER_KEYS = ("text", "team", "crew", "state", "dpd", "located")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    assign = commands.add_parser(
        "assign", help="assign cases to a crew (standing, audited)", parents=[common]
    )
    assign.add_argument("--crew", type=int, required=True, metavar="CREW_ID")
    which = assign.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", type=int, nargs="+", metavar="N", help="case ids")
    which.add_argument(
        "--filter",
        nargs="+",
        metavar="KEY=VALUE",
        help=f"every case matching, as the Cases screen filters ({', '.join(FILTER_KEYS)})",
    )
    which.add_argument("--area", metavar="LAT,LON;…", help="cases whose home lies in the polygon")
    assign.add_argument("--team", type=int, default=None, metavar="ID", help="the crew's team")
    assign.add_argument(
        "--unassign", action="store_true", help="take the cases off CREW_ID (no crew)"
    )
    assign.add_argument("--reason", required=True, help="why (kept in the audit log)")
    add_login_options(assign)
    assign.set_defaults(handler=assign_cases)


def assign_cases(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        service = backend.services.assignment
        actor = login(args, backend.services.auth)
        team = service.crew_team(args.crew)
        ids = _selection(service, actor, args)
        crew = None if args.unassign else args.crew
        result = service.assign(actor, ids, args.team or team, crew, args.reason)
        _print_result(service, actor, args, result)
    return 0


def _selection(service: AssignmentService, actor: Actor, args: argparse.Namespace) -> list[int]:
    """The case ids the command names; ``--unassign`` only ever takes cases off ``--crew``."""
    from fieldvisit.domain.errors import ValidationError
    from fieldvisit.domain.geometry import parse_polygon
    from fieldvisit.services.cases.queries import CaseQuery

    on_crew = CaseQuery(crew_id=args.crew)
    if args.case is not None:
        if args.unassign:
            elsewhere = sorted(set(args.case) - set(service.matching(actor, on_crew)))
            if elsewhere:
                raise ValidationError(
                    "assign.cli.not_in_crew",
                    cases=", ".join(map(str, elsewhere)),
                    crew=args.crew,
                )
        return list(args.case)
    if args.filter is not None:
        query = parse_filter(args.filter, args.crew if args.unassign else None)
        return service.matching(actor, query)
    return service.cases_in_area(
        actor, parse_polygon(args.area), on_crew if args.unassign else None
    )


def parse_filter(items: list[str], crew: int | None = None) -> CaseQuery:
    """``KEY=VALUE`` words as the Cases screen's query; ``crew`` (``--unassign``) narrows it."""
    from fieldvisit.domain.errors import ValidationError
    from fieldvisit.services.cases.queries import CaseQuery

    values: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or key.strip() not in FILTER_KEYS or not value.strip():
            raise ValidationError("assign.cli.bad_filter", item=item, keys=", ".join(FILTER_KEYS))
        values[key.strip()] = value.strip()
    try:
        team = int(values["team"]) if "team" in values else None
        crew_id = int(values["crew"]) if "crew" in values else crew
    except ValueError:
        raise ValidationError(
            "assign.cli.bad_filter", item=" ".join(items), keys=", ".join(FILTER_KEYS)
        ) from None
    if crew is not None and crew_id != crew:
        raise ValidationError("assign.cli.not_in_crew", cases=values["crew"], crew=crew)
    located = values.get("located")
    return CaseQuery(
        text=values.get("text", ""),
        team_id=team,
        crew_id=crew_id,
        state=values.get("state"),
        dpd_bucket=values.get("dpd"),
        has_location=None if located is None else located.lower() in ("yes", "1", "true", "是"),
    )


def _print_result(
    service: AssignmentService, actor: Actor, args: argparse.Namespace, result: AssignmentResult
) -> None:
    names = {crew.id: crew.name for crew in service.targets(actor).crews}
    crew = names.get(args.crew, str(args.crew))
    key = "assign.cli.unassigned" if args.unassign else "assign.cli.assigned"
    print(translate(key, args.lang, changed=result.changed, unchanged=result.unchanged, crew=crew))

    def name(crew_id: int | None) -> str:
        if crew_id is None:
            return translate("assign.no_crew", args.lang)
        return names.get(crew_id, str(crew_id))

    for moved in result.moved:
        print(
            translate(
                "assign.cli.line",
                args.lang,
                case=moved.case_id,
                before=name(moved.before.crew_id),
                after=name(moved.after.crew_id),
            )
        )
