"""Settings files: the user's, and the machine-wide one IT writes once per laptop.

Where the database is: ``--db``, then ``FIELDVISIT_DB_URL``, then the settings files, then the
default. The machine-wide file (:func:`machine_settings_path`: ``/etc/xdg/FieldVisit/settings.ini``
on Linux, ``/Library/Application Support/FieldVisit/settings.ini`` on macOS,
``C:\\ProgramData\\FieldVisit\\settings.ini`` on Windows) gives defaults that a user's own file may
override, except for keys it lists under ``[policy] enforce`` (``database.url, audit.key_file``).
On Windows, values under the registry key ``HKLM\\SOFTWARE\\Policies\\FieldVisit\\<section>``
(pushed by Group Policy) are enforced the same way. :func:`resolved_settings` returns the result.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from fieldvisit.geocoding.settings import GeocodingSettings

APP_NAME = "FieldVisit"
ENV_DB_URL = "FIELDVISIT_DB_URL"
ENV_SETTINGS = "FIELDVISIT_SETTINGS"
ENV_MACHINE_SETTINGS = "FIELDVISIT_MACHINE_SETTINGS"
POLICY_KEY = r"SOFTWARE\Policies\FieldVisit"
# The keys IT sets machine-wide: (section, key).
MACHINE_KEYS: tuple[tuple[str, str], ...] = (
    ("database", "url"),
    ("server", "url"),
    ("server", "ca_file"),
    ("audit", "key_file"),
    ("audit", "anchor_file"),
)


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    """The INI settings file (the same file the desktop app's QSettings store uses)."""
    override = os.environ.get(ENV_SETTINGS)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


def machine_settings_path() -> Path:
    """The machine-wide INI file (``FIELDVISIT_MACHINE_SETTINGS`` overrides it, for tests)."""
    override = os.environ.get(ENV_MACHINE_SETTINGS)
    if override:
        return Path(override)
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'fieldvisit.db'}"


def demo_db_url() -> str:
    """The demo data's own database, never the user's real one."""
    return f"sqlite:///{data_dir() / 'demo.db'}"


def _read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    if path.is_file():
        parser.read(path, encoding="utf-8")
    return parser


@dataclass(frozen=True)
class Setting:
    """A value and where it came from (a file path, or the registry key)."""

    value: str
    origin: str


def _registry_policy() -> dict[tuple[str, str], Setting]:
    """Group Policy values: ``HKLM\\SOFTWARE\\Policies\\FieldVisit\\<section>`` ``<key>``."""
    found: dict[tuple[str, str], Setting] = {}
    if sys.platform == "win32":
        import winreg

        for section, key in MACHINE_KEYS:
            name = POLICY_KEY + "\\" + section
            try:
                with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, name) as handle:
                    value, _kind = winreg.QueryValueEx(handle, key)
            except OSError:
                continue
            if str(value).strip():
                found[(section, key)] = Setting(str(value).strip(), "HKLM\\" + name)
    return found


def _lookup(
    section: str,
    key: str,
    user: configparser.ConfigParser,
    machine: configparser.ConfigParser,
    policy: Mapping[tuple[str, str], Setting],
) -> Setting | None:
    if (section, key) in policy:
        return policy[(section, key)]
    machine_value = machine.get(section, key, fallback="").strip()
    enforced = {
        item.strip() for item in machine.get("policy", "enforce", fallback="").split(",") if item
    }
    if machine_value and f"{section}.{key}" in enforced:
        return Setting(machine_value, str(machine_settings_path()))
    user_value = user.get(section, key, fallback="").strip()
    if user_value:
        return Setting(user_value, str(settings_path()))
    if machine_value:
        return Setting(machine_value, str(machine_settings_path()))
    return None


def lookup(section: str, key: str) -> Setting | None:
    """One setting: enforced machine-wide value, else the user's, else the machine-wide default."""
    return _lookup(
        section,
        key,
        _read_ini(settings_path()),
        _read_ini(machine_settings_path()),
        _registry_policy(),
    )


@dataclass(frozen=True)
class ResolvedUrl:
    url: str
    origin: str  # "--db" | environment | settings file | default


def resolve_db_url(cli_value: str | None) -> ResolvedUrl:
    """The database URL in order of precedence, with where it came from (shown in the UI)."""
    if cli_value:
        return ResolvedUrl(cli_value, "--db")
    env = os.environ.get(ENV_DB_URL, "").strip()
    if env:
        return ResolvedUrl(env, ENV_DB_URL)
    from_file = lookup("database", "url")
    if from_file:
        return ResolvedUrl(from_file.value, from_file.origin)
    return ResolvedUrl(default_db_url(), "default")


@dataclass(frozen=True)
class ResolvedSettings:
    """What IT may set once per machine, resolved; ``None`` where nothing is set."""

    database: ResolvedUrl
    server_url: Setting | None
    audit_key_file: Setting | None
    audit_anchor_file: Setting | None


def resolved_settings(cli_db: str | None = None) -> ResolvedSettings:
    """The machine-wide and per-user settings as the app uses them (the server reads this too)."""
    return ResolvedSettings(
        database=resolve_db_url(cli_db),
        server_url=lookup("server", "url"),
        audit_key_file=lookup("audit", "key_file"),
        audit_anchor_file=lookup("audit", "anchor_file"),
    )


def geocoding_settings() -> GeocodingSettings:
    """The ``[geocoding]`` section of the settings file (defaults when there is none)."""
    from fieldvisit.geocoding.settings import settings_from_mapping

    parser = configparser.ConfigParser(interpolation=None)
    path = settings_path()
    if path.is_file():
        parser.read(path, encoding="utf-8")
    section = dict(parser["geocoding"]) if parser.has_section("geocoding") else {}
    return settings_from_mapping(section)


def server_settings(
    cli_server: str | None, cli_ca_file: Path | None, cli_db: str | None = None
) -> tuple[str | None, Path | None]:
    """The team server the window opens (``--server``, else ``[server] url`` unless ``--db``
    names a database here) and the CA file that vouches for its certificate."""
    url = cli_server
    if url is None and not cli_db:
        setting = lookup("server", "url")
        url = setting.value if setting is not None else None
    ca_file = cli_ca_file
    if ca_file is None and url is not None:
        setting = lookup("server", "ca_file")
        ca_file = Path(setting.value).expanduser() if setting is not None else None
    return url, ca_file
