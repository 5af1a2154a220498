"""``fieldvisit db retention [--dry-run]``, and the audit anchor written at every backup."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fieldvisit.app.cli_login import add_login_options, login
from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import translate

if TYPE_CHECKING:
    from fieldvisit.app.wiring import Backend


def register_retention(actions: Any, common: argparse.ArgumentParser) -> None:
    retention = actions.add_parser(
        "retention",
        help="anonymise or purge records past the retention period (not under legal hold)",
        parents=[common],
    )
    retention.add_argument("--dry-run", action="store_true", help="report only, change nothing")
    retention.add_argument("--years", type=int, default=3, help="retention period (default 3)")
    retention.add_argument("--jurisdiction", default="CN", help="legal minimum to respect")
    add_login_options(retention)
    retention.set_defaults(handler=run_retention)


def run_retention(args: argparse.Namespace) -> int:
    from fieldvisit.domain.retention import RetentionPolicy

    policy = RetentionPolicy(args.years, args.jurisdiction)
    with command_backend(args) as backend:
        actor = login(args, backend.services.auth)
        backend.anchor_daily()
        report = backend.services.retention.run(actor, policy, dry_run=args.dry_run)
    key = "records.retention.dry_run" if report.dry_run else "records.retention.done"
    print(
        translate(
            key,
            args.lang,
            cutoff=report.cutoff.date(),
            records=report.records_anonymised,
            held=report.records_held,
            payloads=report.audit_payloads_redacted,
            debtors=report.debtors_anonymised,
            access=report.access_log_purged,
            logins=report.login_attempts_purged,
        )
    )
    return 0


def anchor_after_backup(args: argparse.Namespace, backend: Backend) -> None:
    """Each backup also anchors the chain head outside the database."""
    from fieldvisit.app.audit_paths import anchor_store
    from fieldvisit.services.records.anchor import anchor_now

    store = anchor_store(backend.url)
    anchor = anchor_now(backend.database.session_factory, store, backend.clock, "backup")
    print(translate("records.anchor.written", args.lang, seq=anchor.seq, path=store.path))
