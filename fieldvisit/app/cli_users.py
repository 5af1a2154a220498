"""``fieldvisit users add NAME --role R | passwd NAME``: user administration on the command line.

On a new database the first ``users add NAME --role admin`` needs no sign-in (bootstrap); every
later change is made by a signed-in administrator (``--user``), or by users for themselves.
"""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.runtime import db_url, open_database
from fieldvisit.domain.enums import Role
from fieldvisit.domain.errors import ValidationError
from fieldvisit.i18n import translate

ENV_NEW_PASSWORD = "FIELDVISIT_NEW_PASSWORD"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    users = commands.add_parser("users", help="add users, set passwords", parents=[common])
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user (the first admin needs no sign-in)",
                             parents=[common])  # fmt: skip
    add.add_argument("username")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--display-name", default=None)
    add.add_argument("--team-id", type=int, default=None)
    add_login_options(add)
    add.set_defaults(handler=add_user)
    passwd = actions.add_parser("passwd", help="set a user's password", parents=[common])
    passwd.add_argument("username")
    add_login_options(passwd)
    passwd.set_defaults(handler=set_password)


def _new_password() -> str:
    # From the environment for scripts, otherwise asked twice without echo.
    value = os.environ.get(ENV_NEW_PASSWORD)
    if value is not None:
        return value
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise ValidationError("error.auth.password_mismatch")
    return first


def add_user(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import open_audit
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.services.users_admin import UsersAdmin

    url = db_url(args)
    database = open_database(url)
    try:
        admin = UsersAdmin(database.session_factory, open_audit(url, system_clock), system_clock)
        password, name = _new_password(), args.display_name or args.username
        if args.role == Role.ADMIN and not args.user:
            user_id = admin.bootstrap_admin(args.username, name, password)
        else:
            actor = login(args, database.session_factory)
            user_id = admin.create_user(actor, args.username, name, Role(args.role), password,
                                        args.team_id)  # fmt: skip
    finally:
        database.dispose()
    print(translate("records.users.added", args.lang, username=args.username, id=user_id))
    return 0


def set_password(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from fieldvisit.app.audit_paths import open_audit
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.services.users_admin import UsersAdmin
    from fieldvisit.storage.models import User

    url = db_url(args)
    database = open_database(url)
    try:
        actor = login(args, database.session_factory)
        with database.session_factory() as session:
            user_id = session.scalar(select(User.id).where(User.username == args.username))
        if user_id is None:
            raise ValidationError("error.auth.no_user", user=args.username)
        admin = UsersAdmin(database.session_factory, open_audit(url, system_clock), system_clock)
        admin.set_password(actor, user_id, _new_password())
    finally:
        database.dispose()
    print(translate("records.users.password_set", args.lang, username=args.username))
    return 0
