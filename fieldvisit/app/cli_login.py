"""Signing in on the command line: ``--user NAME`` and the password from the environment or a
prompt, checked by the same login service (and rate limit) as the desktop dialog."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
from typing import TYPE_CHECKING

from fieldvisit.domain.access import Actor
from fieldvisit.domain.errors import ValidationError

if TYPE_CHECKING:
    from fieldvisit.services.admin.auth import AuthService

ENV_USER = "FIELDVISIT_USER"
ENV_PASSWORD = "FIELDVISIT_PASSWORD"


def add_login_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=os.environ.get(ENV_USER),
        help=f"sign in as NAME (default ${ENV_USER}); password from ${ENV_PASSWORD} or a prompt",
    )


def login(args: argparse.Namespace, auth: AuthService) -> Actor:
    if not args.user:
        raise ValidationError("error.auth.user_required")
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        password = getpass.getpass(f"{args.user} password: ")
    return auth.login(args.user, password, host=socket.gethostname()[:128])
