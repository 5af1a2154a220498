"""``fieldvisit check CASE_ID --date D --crew CREW_ID``: one case's verdict and its reasons."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import render, translate

if TYPE_CHECKING:
    from fieldvisit.domain.access import Actor
    from fieldvisit.services.admin.users import UserDirectory
    from fieldvisit.services.planning.eligibility_model import CaseEligibility

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
        "--user", default=None, metavar="USERNAME", help="act as this user (default: read-only)"
    )
    check.add_argument("--minutes", type=int, default=30, help="service time of the visit")
    check.set_defaults(handler=check_case)


def check_case(args: argparse.Namespace) -> int:
    from fieldvisit.domain.errors import NotFoundError

    backend = command_backend(args, existing=True)
    try:
        service = backend.services.eligibility
        actor = _actor(backend.services.users, args.user)
        result = service.for_case(
            actor,
            args.case,
            args.date,
            args.crew,
            profile=args.profile,
            service_minutes=args.minutes,
        )
    except NotFoundError as exc:  # an unknown case, crew or user is bad input
        print(render(exc.message, args.lang), file=sys.stderr)
        return 2
    finally:
        backend.close()
    print("\n".join(explain(result, args.crew, args.lang)))
    return 0


def _actor(users: UserDirectory, username: str | None) -> Actor:
    from fieldvisit.app.cli_acting import acting_user
    from fieldvisit.domain.access import Actor
    from fieldvisit.domain.enums import Role

    # A verdict holds no personal data; the operator already holds the database URL.
    nobody = Actor(user_id=0, role=Role.COMPLIANCE, display_name="cli")
    return acting_user(users, username, lambda: nobody)


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
        spans = ", ".join(str(i) for i in result.intervals)
        lines.append(t("eligibility.check.intervals", intervals=spans, tz=result.timezone))
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
