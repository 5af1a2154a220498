"""``fieldvisit db upgrade | backup FILE | restore FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fieldvisit.app.wiring import command_backend
from fieldvisit.domain.errors import ValidationError
from fieldvisit.i18n import translate


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", help="database maintenance", parents=[common])
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="migrate to the newest schema", parents=[common])
    upgrade.set_defaults(handler=upgrade_database)
    backup = actions.add_parser("backup", help="write a consistent backup", parents=[common])
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="replace an existing backup file")
    backup.add_argument(
        "--with-key",
        action="store_true",
        help="also export the audit key to FILE.audit-key (owner-only; keep it apart)",
    )
    backup.set_defaults(handler=backup_database)
    restore = actions.add_parser(
        "restore", help="restore a backup into an empty database", parents=[common]
    )
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--key-file",
        type=Path,
        help="the exported audit key (default: FILE.audit-key when it exists)",
    )
    restore.set_defaults(handler=restore_database)
    from fieldvisit.app.cli_retention import register_retention

    register_retention(actions, common)
    from fieldvisit.app.cli_db_roles import register_roles

    register_roles(actions, common)


def upgrade_database(args: argparse.Namespace) -> int:
    from fieldvisit.storage import migrate

    with command_backend(args):
        print(translate("cli.db.upgraded", args.lang, revision=migrate.head_revision()))
    return 0


def backup_database(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import audit_key_path
    from fieldvisit.app.cli_retention import anchor_after_backup
    from fieldvisit.services.audit import KEY_SUFFIX, load_key, write_key_file
    from fieldvisit.storage import backup

    with command_backend(args, upgrade=False, existing=True) as backend:
        key_path = audit_key_path(backend.url)
        exported = args.file.with_name(args.file.name + KEY_SUFFIX)
        if args.with_key:
            key = load_key(key_path)  # before writing anything: no key, no backup
            if exported.exists() and not args.force:
                raise ValidationError("error.db.backup_exists", path=str(exported))
        revision = backup.backup(backend.database.engine, args.file, overwrite=args.force)
        print(translate("cli.db.backup_done", args.lang, path=args.file, revision=revision))
        if args.with_key:
            write_key_file(exported, key)
            print(translate("cli.db.backup_key_exported", args.lang, path=exported))
        else:
            print(translate("cli.db.backup_no_key", args.lang, key=key_path))
        anchor_after_backup(args, backend)
    return 0


def restore_database(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import audit_key_path
    from fieldvisit.services.audit import KEY_SUFFIX, load_key, write_key_file
    from fieldvisit.storage import backup

    exported = args.key_file or args.file.with_name(args.file.name + KEY_SUFFIX)
    key = load_key(exported) if args.key_file or exported.is_file() else None
    with command_backend(args, upgrade=False) as backend:
        target = audit_key_path(backend.url)
        if key is not None and target.is_file() and load_key(target) != key:
            raise ValidationError("error.db.restore_key_differs", path=str(target))
        revision = backup.restore(backend.database.engine, args.file)
    print(translate("cli.db.restore_done", args.lang, path=args.file, revision=revision))
    if key is not None:
        if not target.is_file():
            write_key_file(target, key)
        print(translate("cli.db.restore_key", args.lang, path=target))
    else:
        print(translate("cli.db.restore_no_key", args.lang, path=target))
    return 0
