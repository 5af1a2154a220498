"""``fieldvisit db upgrade | backup FILE | restore FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", help="database maintenance", parents=[common])
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate to the newest schema", parents=[common])
    upgrade.set_defaults(handler=upgrade_database)
    backup = actions.add_parser("backup", help="write a consistent backup", parents=[common])
    backup.add_argument("file", type=Path)
    backup.set_defaults(handler=backup_database)
    restore = actions.add_parser(
        "restore", help="restore a backup into an empty database", parents=[common]
    )
    restore.add_argument("file", type=Path)
    restore.set_defaults(handler=restore_database)
    from fieldvisit.app.cli_retention import register_retention

    register_retention(actions, common)


def upgrade_database(args: argparse.Namespace) -> int:
    from fieldvisit.storage import migrate

    with command_backend(args):
        print(translate("cli.db.upgraded", args.lang, revision=migrate.head_revision()))
    return 0


def backup_database(args: argparse.Namespace) -> int:
    from fieldvisit.app.cli_retention import anchor_after_backup
    from fieldvisit.storage import backup

    with command_backend(args, upgrade=False, existing=True) as backend:
        revision = backup.backup(backend.database.engine, args.file)
        print(translate("cli.db.backup_done", args.lang, path=args.file, revision=revision))
        anchor_after_backup(args, backend)
    return 0


def restore_database(args: argparse.Namespace) -> int:
    from fieldvisit.storage import backup

    with command_backend(args, upgrade=False) as backend:
        revision = backup.restore(backend.database.engine, args.file)
    print(translate("cli.db.restore_done", args.lang, path=args.file, revision=revision))
    return 0
