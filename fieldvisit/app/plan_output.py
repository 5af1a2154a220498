"""How the plan commands print a round: its stops and the cases left out, one line each."""

from __future__ import annotations

from typing import Any

from fieldvisit.i18n import render, translate


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
