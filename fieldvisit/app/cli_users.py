"""``fieldvisit users add NAME --role R | passwd NAME``: user administration on the command line.

On a new database the first ``users add NAME --role admin`` needs no sign-in (bootstrap); every
later change is made by a signed-in administrator (``--user``), or by users for themselves.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
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
    unlock = actions.add_parser(
        "unlock", help="end a user's login lock now, for every source", parents=[common]
    )
    unlock.add_argument("username")
    add_login_options(unlock)
    unlock.set_defaults(handler=unlock_user)


def _new_password() -> str:
    # From the environment for scripts, otherwise asked twice without echo.
    value = os.environ.get(ENV_NEW_PASSWORD)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        # getpass would read a script's standard input, or end in EOFError with none.
        raise ValidationError("error.auth.no_terminal", env=ENV_NEW_PASSWORD)
    try:
        first = getpass.getpass("new password: ")
        again = getpass.getpass("again: ")
    except EOFError:
        raise ValidationError("error.auth.no_terminal", env=ENV_NEW_PASSWORD) from None
    if first != again:
        raise ValidationError("error.auth.password_mismatch")
    return first


def add_user(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        admin = backend.services.user_admin
        password, name = _new_password(), args.display_name or args.username
        if args.role == Role.ADMIN and not args.user:
            user_id = admin.bootstrap_admin(args.username, name, password)
        else:
            actor = login(args, backend.services.auth)
            user_id = admin.create_user(actor, args.username, name, Role(args.role), password,
                                        args.team_id)  # fmt: skip
    print(translate("records.users.added", args.lang, username=args.username, id=user_id))
    return 0


def set_password(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        services = backend.services
        actor = login(args, services.auth)
        user_id = services.users.user_id(args.username)
        services.user_admin.set_password(actor, user_id, _new_password())
    print(translate("records.users.password_set", args.lang, username=args.username))
    return 0


def unlock_user(args: argparse.Namespace) -> int:
    with command_backend(args) as backend:
        services = backend.services
        actor = login(args, services.auth)
        services.user_admin.unlock(actor, services.users.user_id(args.username))
    print(translate("records.users.unlocked", args.lang, username=args.username))
    return 0
