"""The desktop app's one typed settings store: QSettings in the INI file of ``settings_path()``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from fieldvisit.i18n import LANGUAGES

SETTINGS_VERSION = 2
_VERSION_KEY = "meta/version"


def _upgrade_1_to_2(store: QSettings) -> None:
    # Version 1 kept a locale name ("zh_CN") under ui/lang; version 2 keeps a language code.
    old = store.value("ui/lang")
    if isinstance(old, str) and old:
        code = old.split("_")[0].lower()
        if code in LANGUAGES:
            store.setValue("ui/language", code)
    store.remove("ui/lang")


# Step n turns a version-n file into version n+1; a file without a version is version 1.
UPGRADES: dict[int, Callable[[QSettings], None]] = {1: _upgrade_1_to_2}


class AppSettings:
    """Typed properties over QSettings; unknown or damaged values read as the default."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._store = QSettings(str(path), QSettings.Format.IniFormat)
        self.upgrade()

    @property
    def path(self) -> Path:
        return Path(self._store.fileName())

    @property
    def version(self) -> int:
        return self._int(_VERSION_KEY) or 1

    def upgrade(self) -> None:
        """Bring an older file to ``SETTINGS_VERSION``; a newer file is left untouched."""
        version = self.version
        while version < SETTINGS_VERSION:
            UPGRADES[version](self._store)
            version += 1
        if version == SETTINGS_VERSION:
            self._store.setValue(_VERSION_KEY, SETTINGS_VERSION)

    @property
    def language(self) -> str:
        """``zh``, ``en``, or empty for the system's language."""
        value = self._store.value("ui/language", "")
        return value if isinstance(value, str) and value in LANGUAGES else ""

    @language.setter
    def language(self, value: str) -> None:
        if value and value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}")
        self._store.setValue("ui/language", value)

    @property
    def last_user_id(self) -> int | None:
        return self._int("session/last_user_id")

    @last_user_id.setter
    def last_user_id(self, value: int | None) -> None:
        self._store.setValue("session/last_user_id", "" if value is None else value)

    @property
    def last_screen(self) -> str:
        value = self._store.value("window/screen", "")
        return value if isinstance(value, str) else ""

    @last_screen.setter
    def last_screen(self, value: str) -> None:
        self._store.setValue("window/screen", value)

    def layout(self, name: str) -> QByteArray:
        """Saved geometry or state of a part (``geometry``, ``state``, ``cases/splitter``)."""
        value = self._store.value(f"layout/{name}")
        return value if isinstance(value, QByteArray) else QByteArray()

    def set_layout(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"layout/{name}", value)

    def sync(self) -> None:
        self._store.sync()

    def _int(self, key: str) -> int | None:
        value = self._store.value(key)
        try:
            return int(str(value)) if value not in (None, "") else None
        except ValueError:
            return None
