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
    register_people(actions, common)


def register_people(actions: Any, common: argparse.ArgumentParser) -> None:
    """``users edit|list|unlock|clear-pin|deactivate|reactivate``: the Organisation screen's
    people tab on the command line."""
    edit = actions.add_parser("edit", help="change a person's name, role, team, crew, phone, "
                              "language", parents=[common])  # fmt: skip
    edit.add_argument("username")
    for option in ("display-name", "role", "team", "crew", "phone", "language"):
        edit.add_argument(f"--{option}", dest=f"f_{option.replace('-', '_')}", default=None,
                          metavar="VALUE")  # fmt: skip
    add_login_options(edit)
    edit.set_defaults(handler=edit_person)
    listing = actions.add_parser("list", help="list people", parents=[common])
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_login_options(listing)
    listing.set_defaults(handler=list_people)
    for action, text in (("unlock", "end a lock-out after failed sign-ins"),
                         ("clear-pin", "clear a forgotten duress PIN (the person sets a new one)"),
                         ("deactivate", "stop a person signing in (records are kept)"),
                         ("reactivate", "let a deactivated person sign in again")):  # fmt: skip
        parser = actions.add_parser(action, help=text, parents=[common])
        parser.add_argument("username")
        add_login_options(parser)
        parser.set_defaults(handler=person_step, action=action)


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
            # The first administrator sets the database up: its audit key is created with it.
            created = backend.create_key_if_new()
            if created is not None:
                print(translate("records.key.created", args.lang, path=created[0],
                                fingerprint=created[1]))  # fmt: skip
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


def edit_person(args: argparse.Namespace) -> int:
    from fieldvisit.app.cli_org import print_rejected, print_result, signed_in
    from fieldvisit.domain.organisation import FieldError, parse_person
    from fieldvisit.services.admin.org_store import Mode
    from fieldvisit.services.admin.organisation import Entry, OrgBatch, OrgProblem, OrgRejected

    with command_backend(args) as backend:
        services = backend.services
        actor = signed_in(args, services)
        found = [p for p in services.org.people(actor) if p.username == args.username]
        if not found:
            from fieldvisit.domain.errors import NotFoundError

            raise NotFoundError("error.auth.no_user", user=args.username)
        person = found[0]
        values = {
            "username": person.username, "display_name": person.display_name,
            "role": person.role.value, "team": person.team or "",
            "crew": person.crews[0] if person.crews else "", "phone": person.phone or "",
            "language": person.language or "",
        }  # fmt: skip
        values.update(
            {k[2:]: v for k, v in vars(args).items() if k.startswith("f_") and v is not None}
        )
        try:
            batch = OrgBatch(people=[Entry(parse_person(values))])
            result = services.org.apply(actor, batch, Mode.EDIT)
        except FieldError as error:
            problem = OrgProblem("", 0, error.field, error.value, error.message)
            return print_rejected(OrgRejected([problem]), args.lang)
        except OrgRejected as rejected:
            return print_rejected(rejected, args.lang)
    print_result(result, args.lang)
    return 0


def list_people(args: argparse.Namespace) -> int:
    import json

    from fieldvisit.app.cli_org import plain, signed_in

    with command_backend(args) as backend:
        actor = signed_in(args, backend.services)
        people = backend.services.org.people(actor)
    if args.json:
        print(json.dumps(plain(people), ensure_ascii=False, indent=2))
        return 0
    for p in people:
        state = "" if p.active else " (inactive)"
        print(f"{p.id}\t{p.username}\t{p.display_name}\t{p.role.value}\t{p.team or '-'}\t"
              f"{','.join(p.crews) or '-'}{state}")  # fmt: skip
    return 0


def person_step(args: argparse.Namespace) -> int:
    from fieldvisit.app.cli_org import signed_in

    with command_backend(args) as backend:
        services = backend.services
        actor = signed_in(args, services)
        if args.action == "deactivate":
            services.user_admin.deactivate(actor, services.users.user_id(args.username))
        elif args.action == "unlock":
            services.people.unlock(actor, args.username)
        elif args.action == "clear-pin":
            services.people.clear_duress_pin(actor, args.username)
        else:
            services.people.reactivate(actor, args.username)
    print(translate(f"org.cli.person.{args.action}", args.lang, username=args.username))
    return 0
