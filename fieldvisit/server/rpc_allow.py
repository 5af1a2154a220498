"""The service methods the desktop may call over the wire: an explicit, reviewed allow-list.

Every method here takes an ``Actor`` that the server fills in from the access token (the service
then checks the role), except the few in ``SAFE_WITHOUT_ACTOR``, each reviewed for what it
reveals. Left out on purpose: sign-in and tokens (their own routes), the first administrator,
retention (the owner role's job), the watcher's own passes and delivery, the push hub, raw
database access and the eligibility filter (it returns a function). File imports take the file's
bytes instead of a path (``UPLOADS``, server/rpc_files.py).
"""

from __future__ import annotations

from collections.abc import Iterator

ALLOWED: dict[str, tuple[str, ...]] = {
    "cases": ("count", "filter_options", "ids", "rows"),
    "case_details": ("detail", "full_detail"),
    "eligibility": ("for_case", "for_day", "resolve_case", "slot_verdicts"),
    "users": ("user_id",),
    "records": ("print_binder", "print_case", "print_visit", "search"),
    "reports": ("team_report", "visits_csv"),
    "policy": ("profiles", "save", "team", "teams"),
    "safety_board": ("snapshot",),
    "safety_response": ("acknowledge", "cancel", "relay_check_out", "resolve"),
    "imports": ("creditors",),
    "plan.planning": ("evaluate", "optimise", "replan"),
    "plan.rounds": (
        "approve",
        "crew_members",
        "crews",
        "current_version",
        "detail",
        "for_day",
        "queue",
        "reject",
        "save_draft",
        "save_team",
        "submit",
    ),
    "plan.eligibility": ("for_case", "for_day", "resolve_case", "slot_verdicts"),
    "plan.sheets": ("document", "print_route"),
    "plan.replans": ("apply", "propose"),
    "plan.team": ("crews", "hand_out", "held_rounds", "move", "optimise", "team_of"),
    "field.today": ("round_for", "start"),
    "field.client": ("check_in", "check_out", "extend", "sos", "pending"),
    "field.status": ("open_sessions", "session"),
    "field.risks": ("add_note", "assessment", "retire_note"),
    "field.companion": ("day", "session"),
    "assignment": ("assign", "cases_in_area", "map_points", "matching", "targets", "undo"),
    "user_admin": ("create_user", "deactivate", "set_password", "set_role"),
    "org": (
        "apply",
        "creditors",
        "crews",
        "day_template",
        "is_empty",
        "people",
        "profiles",
        "set_members",
        "teams",
    ),
    "people": ("clear_duress_pin", "reactivate", "unlock"),
    "declarations": ("case_reference", "for_case", "record"),
    "notify.config": ("new_webhook_secret", "routes", "set_channels", "set_step", "silent_steps"),
    "notify.health": ("acknowledge", "outages"),
    "notify.log": ("for_session",),
    "notify.drill": ("run",),
}

# Methods without an Actor, reviewed one by one: what they return, and why any user may have it.
SAFE_WITHOUT_ACTOR: dict[tuple[str, str], str] = {
    ("users", "user_id"): "a user name's id (the Organisation screen; no personal data)",
    ("policy", "profiles"): "the shipped rule profiles (public data)",
    ("imports", "creditors"): "creditor codes for the import dialog's picker",
    ("plan.rounds", "crew_members"): "user ids of a crew (ids only)",
    ("plan.rounds", "current_version"): "a crew's round version number for a day",
    ("plan.team", "team_of"): "the team id of a crew",
    ("field.client", "pending"): "how many check-ins wait in the server's own outbox",
    ("field.risks", "assessment"): "the safety level of an address a crew is heading to",
    ("org", "day_template"): "a crew's working hours and base",
    ("org", "is_empty"): "whether the organisation is set up at all",
    ("org", "profiles"): "the rule profile names",
}


def allowed_methods() -> Iterator[tuple[str, str]]:
    """Every (service path, method) pair the wire serves, in a stable order."""
    for service, methods in sorted(ALLOWED.items()):
        for method in methods:
            yield service, method


# Calls whose first argument is a file's bytes instead of its path (server/rpc_files.py).
UPLOADS: tuple[tuple[str, str], ...] = (("imports", "preview"), ("imports", "run_file"))


def is_allowed(service: str, method: str) -> bool:
    return method in ALLOWED.get(service, ()) or (service, method) in UPLOADS
