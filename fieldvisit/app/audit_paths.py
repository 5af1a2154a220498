"""Where a database's audit key and anchor file live: environment, settings file, defaults.

Key: ``FIELDVISIT_AUDIT_KEY_FILE``, then ``[audit] key_file`` in the settings file, then the key
file beside a SQLite database (``fieldvisit.db.audit-key`` in the user's data folder for the
default database; the demo writes its public key to ``demo.db.audit-key``), or ``audit.key`` in
the data folder for PostgreSQL. A missing key is never created here: ``fieldvisit audit init-key``
creates it (docs/audit.md).
Anchors: ``FIELDVISIT_AUDIT_ANCHORS``, then ``[audit] anchor_file``; by default beside a SQLite
database (``fieldvisit.db.anchors.jsonl``), or one file per PostgreSQL database in the data
folder's ``anchors`` folder.
"""

from __future__ import annotations

import configparser
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from fieldvisit.app.config import data_dir, settings_path
from fieldvisit.domain.clock import Clock
from fieldvisit.services.audit import sibling_key_path
from fieldvisit.services.records.anchor import AnchorStore
from fieldvisit.storage.database import parse_url, sqlite_path

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

ENV_KEY_FILE = "FIELDVISIT_AUDIT_KEY_FILE"
ENV_ANCHOR_FILE = "FIELDVISIT_AUDIT_ANCHORS"
ANCHOR_SUFFIX = ".anchors.jsonl"


def _setting(name: str) -> str | None:
    path = settings_path()
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser.get("audit", name, fallback="").strip() or None


def _configured(env: str, setting: str) -> Path | None:
    value = os.environ.get(env, "").strip() or _setting(setting)
    return Path(value).expanduser() if value else None


def audit_key_path(db_url: str) -> Path:
    configured = _configured(ENV_KEY_FILE, "key_file")
    if configured is not None:
        return configured
    database_file = sqlite_path(parse_url(db_url))
    if database_file is not None:
        return sibling_key_path(database_file)
    return data_dir() / "audit.key"


def anchor_path(db_url: str) -> Path:
    configured = _configured(ENV_ANCHOR_FILE, "anchor_file")
    if configured is not None:
        return configured
    url = parse_url(db_url)
    database_file = sqlite_path(url)
    if database_file is not None:
        return database_file.with_name(database_file.name + ANCHOR_SUFFIX)
    # Without the password: the same database gets the same file whoever connects.
    identity = f"{url.host}:{url.port}/{url.database}"
    name = f"{url.database}-{hashlib.sha256(identity.encode()).hexdigest()[:10]}"
    return data_dir() / "anchors" / (name + ANCHOR_SUFFIX)


def anchor_store(db_url: str) -> AnchorStore:
    return AnchorStore(anchor_path(db_url))


def anchor_daily(db_url: str, session_factory: sessionmaker[Session], clock: Clock) -> None:
    """Anchor the chain head unless that happened within a day; start-up and commands call it."""
    from fieldvisit.services.records.anchor import anchor_if_due

    anchor_if_due(session_factory, anchor_store(db_url), clock)
