"""``fieldvisit db grant-app-role NAME [--print]``: the team server's least-privileged role."""

from __future__ import annotations

import argparse
from typing import Any

from fieldvisit.i18n import translate


def register_roles(actions: Any, common: argparse.ArgumentParser) -> None:
    grant = actions.add_parser(
        "grant-app-role",
        help="grant a PostgreSQL role what the team server needs, and no more",
        parents=[common],
    )
    grant.add_argument("role", help="an existing login role, not the owner and not a superuser")
    grant.add_argument("--print", action="store_true", help="only print the SQL (for a DBA to run)")
    grant.set_defaults(handler=grant_app_role)


def grant_app_role(args: argparse.Namespace) -> int:
    from fieldvisit.app.wiring import command_backend
    from fieldvisit.storage import roles

    # As the owner, at the newest schema: the grants cover every table that exists now.
    with command_backend(args) as backend:
        engine = backend.database.engine
        if args.print:
            name = engine.url.database or ""
            print(";\n".join(roles.app_role_sql(args.role, name)) + ";")
            return 0
        statements = roles.grant_app_role(engine, args.role)
    print(translate("server.cli.granted", args.lang, role=args.role, count=len(statements)))
    return 0
