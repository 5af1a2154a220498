"""Where the database is: ``--db``, then ``FIELDVISIT_DB_URL``, the settings file, the default."""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from fieldvisit.geocoding.settings import GeocodingSettings

APP_NAME = "FieldVisit"
ENV_DB_URL = "FIELDVISIT_DB_URL"
ENV_SETTINGS = "FIELDVISIT_SETTINGS"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    """The INI settings file (the same file the desktop app's QSettings store uses)."""
    override = os.environ.get(ENV_SETTINGS)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'fieldvisit.db'}"


def demo_db_url() -> str:
    """The demo data's own database, never the user's real one."""
    return f"sqlite:///{data_dir() / 'demo.db'}"


def _settings_db_url(path: Path) -> str | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    value = parser.get("database", "url", fallback="").strip()
    return value or None


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
    from_file = _settings_db_url(settings_path())
    if from_file:
        return ResolvedUrl(from_file, str(settings_path()))
    return ResolvedUrl(default_db_url(), "default")


def geocoding_settings() -> GeocodingSettings:
    """The ``[geocoding]`` section of the settings file (defaults when there is none)."""
    from fieldvisit.geocoding.settings import settings_from_mapping

    parser = configparser.ConfigParser(interpolation=None)
    path = settings_path()
    if path.is_file():
        parser.read(path, encoding="utf-8")
    section = dict(parser["geocoding"]) if parser.has_section("geocoding") else {}
    return settings_from_mapping(section)
