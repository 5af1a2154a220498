"""``fieldvisit check CASE_ID --date D --crew CREW_ID [--at HH:MM] [--json]``: one case's
verdict and its reasons, for the whole day or one visit starting at a time of day.

The exit status lets scripts act on the answer: 0 allowed, 3 needs a manager's approval,
4 blocked, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import render, translate

if TYPE_CHECKING:
    from fieldvisit.domain.access import Actor
    from fieldvisit.services.admin.auth import AuthService
    from fieldvisit.services.planning.eligibility_model import CaseEligibility, SlotCheck

# Shipped profile ids; kept literal so ``fieldvisit --help`` needs no resource loading.
PROFILE_CHOICES = ("CN", "US", "US-MA", "UK", "IE", "DE")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    from fieldvisit.app.cli import parse_date

    check = commands.add_parser(
        "check", help="may a crew visit a case on a date, when, and why not", parents=[common]
    )
    check.add_argument("case", metavar="CASE_ID", help="case id or case number")
    check.add_argument("--date", type=parse_date, required=True, metavar="YYYY-MM-DD")
    check.add_argument("--crew", type=int, required=True, metavar="CREW_ID")
    check.add_argument("--profile", choices=PROFILE_CHOICES, default=None)
    check.add_argument(
        "--user",
        default=None,
        metavar="USERNAME",
        help="sign in as this user (password from $FIELDVISIT_PASSWORD or a prompt); "
        "without it only the verdict is shown, which holds no personal data",
    )
    check.add_argument("--minutes", type=int, default=30, help="service time of the visit")
    check.add_argument("--at", type=_time_of_day, default=None, metavar="HH:MM",
                       help="check one visit starting then (the debtor's local time)")  # fmt: skip
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=check_case)


EXIT_STATUS = {"eligible": 0, "needs_approval": 3, "blocked": 4}


def _time_of_day(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("org.error.time", "en")) from None


def check_case(args: argparse.Namespace) -> int:
    from fieldvisit.domain.errors import NotFoundError

    backend = command_backend(args, existing=True)
    try:
        service = backend.services.eligibility
        actor = _actor(args, backend.services.auth)
        result = service.for_case(
            actor,
            args.case,
            args.date,
            args.crew,
            profile=args.profile,
            service_minutes=args.minutes,
        )
        slot = None
        if args.at is not None:
            slot = _slot(service, actor, result, args)
    except NotFoundError as exc:  # an unknown case, crew or user is bad input
        print(render(exc.message, args.lang), file=sys.stderr)
        return 2
    finally:
        backend.close()
    if args.json:
        from fieldvisit.app.check_output import check_document

        print(json.dumps(check_document(result, slot, args.crew, args.lang), ensure_ascii=False,
                         indent=2))  # fmt: skip
    else:
        lines = explain(result, args.crew, args.lang)
        if slot is not None:
            from fieldvisit.app.check_output import explain_slot

            lines += explain_slot(slot, args.lang)
        print("\n".join(lines))
    status = (slot or result).status.value
    if slot is not None and not slot.fits:
        status = "blocked"
    return EXIT_STATUS[status]


def _slot(
    service: Any, actor: Actor, result: CaseEligibility, args: argparse.Namespace
) -> SlotCheck:
    from fieldvisit.services.planning.eligibility_model import SlotRequest

    start = datetime.combine(args.date, args.at, ZoneInfo(result.timezone))
    request = SlotRequest(result.case_id, start, args.minutes)
    checks: tuple[SlotCheck, ...] = service.slot_verdicts(actor, args.date, args.crew, [request])
    return checks[0]


def _actor(args: argparse.Namespace, auth: AuthService) -> Actor:
    from fieldvisit.app.cli_login import login
    from fieldvisit.domain.access import Actor
    from fieldvisit.domain.enums import Role

    if args.user:
        return login(args, auth)
    # A verdict holds no personal data; the operator already holds the database URL.
    return Actor(user_id=0, role=Role.COMPLIANCE, display_name="cli")


def explain(result: CaseEligibility, crew: int | None, lang: str) -> list[str]:
    """The verdict, the allowed intervals and every reason, as printed lines in ``lang``."""

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    used = result.ruleset
    policy = str(used.policy_version) if used.policy_version else t("eligibility.check.no_policy")
    lines = [
        t(
            "eligibility.check.header",
            case=result.case_number,
            id=result.case_id,
            date=result.plan_date.isoformat(),
            crew=crew if crew is not None else "-",
        ),
        t(
            "eligibility.check.ruleset",
            profile=used.profile_id,
            version=used.profile_version,
            policy=policy,
            hash=used.ruleset_hash[:19],
        ),
        t("eligibility.check.status", status=t(f"eligibility.status.{result.status.value}")),
    ]
    if result.intervals:
        from fieldvisit.app.check_output import approval_hours

        clean, approval = approval_hours(result)
        spans = ", ".join(str(i) for i in clean)
        lines.append(t("eligibility.check.intervals", intervals=spans or "-", tz=result.timezone))
        if approval:
            hours = ", ".join(str(i) for i in approval)
            lines.append(t("check.cli.approval_hours", intervals=hours, tz=result.timezone))
    else:
        lines.append(t("eligibility.check.no_intervals"))
    lines += _reasons(result, lang)
    as_of = result.contact_data_as_of
    if as_of is None:
        lines.append(t("eligibility.check.no_contacts"))
    else:
        local = as_of.astimezone(ZoneInfo(result.timezone))
        lines.append(
            t("eligibility.check.as_of", time=f"{local:%Y-%m-%d %H:%M}", tz=result.timezone)
        )
    return lines


def _reasons(result: CaseEligibility, lang: str) -> list[str]:
    """Each reason with its rule id, severity and message, then its source on its own line."""
    lines = [translate("eligibility.check.reasons", lang)] if result.reasons else []
    for reason in result.reasons:
        severity = translate(f"compliance.severity.{reason.severity.value}", lang)
        source = translate("eligibility.check.source", lang, source=reason.source.text(lang))
        lines += [f"  [{severity}] {reason.rule}: {render(reason.message, lang)}", f"    {source}"]
    return lines
