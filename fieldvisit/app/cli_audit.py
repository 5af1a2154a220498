"""``fieldvisit audit verify | verify-code CODE | anchor``: check the tamper-evident records."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fieldvisit.app.wiring import command_backend
from fieldvisit.i18n import render, translate

MAX_SHOWN = 200  # findings printed; the count of the rest follows


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help="verify the audit log and records", parents=[common])
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify", help="walk the chain, compare with the latest anchor", parents=[common]
    )
    verify.add_argument("--key-file", type=Path, help="the audit key file (default: configured)")
    verify.add_argument("--anchors", type=Path, help="the anchor file (default: configured)")
    verify.set_defaults(handler=verify_chain)
    code = actions.add_parser(
        "verify-code", help="check a printed verification code or QR text", parents=[common]
    )
    code.add_argument("code")
    code.set_defaults(handler=verify_code)
    anchor = actions.add_parser(
        "anchor", help="write the chain head to the anchor file now", parents=[common]
    )
    anchor.add_argument("--anchors", type=Path, help="the anchor file (default: configured)")
    anchor.set_defaults(handler=write_anchor)
    init_key = actions.add_parser(
        "init-key", help="create the audit key of a new database (audited)", parents=[common]
    )
    init_key.add_argument("--key-file", type=Path, help="where to write it (default: configured)")
    init_key.set_defaults(handler=init_audit_key)
    seal = actions.add_parser(
        "seal",
        help="seal every approval, round, case and debtor as it is now (databases from before "
        "row seals; audited)",
        parents=[common],
    )
    seal.add_argument("--key-file", type=Path, help="the audit key file (default: configured)")
    seal.set_defaults(handler=seal_rows)


def verify_chain(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import anchor_path, audit_key_path
    from fieldvisit.services.audit import load_key
    from fieldvisit.services.records.anchor import AnchorStore
    from fieldvisit.services.records.verify import verify_audit

    # Checking creates nothing: an existing database, its existing key, no migration.
    with command_backend(args, upgrade=False, existing=True) as backend:
        key = load_key(args.key_file or audit_key_path(backend.url))
        anchors = AnchorStore(args.anchors or anchor_path(backend.url))
        report = verify_audit(backend.database.session_factory, key, anchors)
        zone = backend.services.users.zone(None)  # the organisation's, with its offset
    lang = args.lang
    print(
        translate(
            "records.verify.summary",
            lang,
            entries=report.entries,
            seq=report.head_seq,
            records=report.records,
        )
    )
    if report.anchor is None:
        print(translate("records.verify.no_anchor", lang, path=anchors.path))
    else:
        at = report.anchor.at.astimezone(zone).isoformat(timespec="seconds")
        print(translate("records.verify.anchor", lang, seq=report.anchor.seq, at=at))
    for problem in report.problems[:MAX_SHOWN]:
        print(render(problem, lang))
    if len(report.problems) > MAX_SHOWN:
        print(translate("records.verify.more", lang, count=len(report.problems) - MAX_SHOWN))
    print(translate("records.verify.ok" if report.ok else "records.verify.broken", lang))
    return 0 if report.ok else 1


def verify_code(args: argparse.Namespace) -> int:
    from fieldvisit.services.records.verify import verify_code as check

    with command_backend(args, upgrade=False, existing=True) as backend:
        result = check(backend.database.session_factory, args.code)
    print(render(result.message, args.lang))
    return 0 if result.matches else 1


def write_anchor(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import anchor_path
    from fieldvisit.domain.clock import system_clock
    from fieldvisit.services.records.anchor import AnchorStore, anchor_now

    with command_backend(args, upgrade=False, existing=True) as backend:
        store = AnchorStore(args.anchors or anchor_path(backend.url))
        anchor = anchor_now(backend.database.session_factory, store, system_clock, "manual")
    print(translate("records.anchor.written", args.lang, seq=anchor.seq, path=store.path))
    return 0


def init_audit_key(args: argparse.Namespace) -> int:
    from fieldvisit.app.audit_paths import audit_key_path
    from fieldvisit.services.records.keys import init_key

    with command_backend(args) as backend:
        path = args.key_file or audit_key_path(backend.url)
        fingerprint = init_key(backend.database.session_factory, path, backend.clock)
    print(translate("records.key.created", args.lang, path=path, fingerprint=fingerprint))
    return 0


def seal_rows(args: argparse.Namespace) -> int:
    from fieldvisit.services.records.keys import seal_baseline

    with command_backend(args, existing=True, audit_key=args.key_file) as backend:
        count = seal_baseline(backend.database.session_factory, backend.audit)
    print(translate("records.seal.done", args.lang, count=count))
    return 0
