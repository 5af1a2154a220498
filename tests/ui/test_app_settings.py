"""The typed settings store: round trips, its version, the upgrade step, damaged values."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from fieldvisit.ui.app_settings import SETTINGS_VERSION, AppSettings


def test_values_round_trip_through_the_ini_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    first = AppSettings(path)
    first.language = "en"
    first.last_user_id = 7
    first.last_screen = "cases"
    first.set_layout("geometry", QByteArray(b"\x01\x02"))
    first.sync()
    again = AppSettings(path)
    assert (again.language, again.last_user_id, again.last_screen) == ("en", 7, "cases")
    assert bytes(again.layout("geometry").data()) == b"\x01\x02"
    assert again.version == SETTINGS_VERSION


def test_it_shares_the_file_with_the_database_setting(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[database]\nurl = sqlite:///x.db\n", encoding="utf-8")
    store = AppSettings(path)
    store.language = "zh"
    store.sync()
    text = path.read_text(encoding="utf-8")
    assert "url = sqlite:///x.db" in text or "url=sqlite:///x.db" in text
    assert "[ui]" in text


def test_version_1_files_are_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[ui]\nlang=zh_CN\n", encoding="utf-8")
    store = AppSettings(path)
    assert store.language == "zh"
    assert store.version == SETTINGS_VERSION
    store.sync()
    assert "lang=" not in path.read_text(encoding="utf-8")


def test_a_newer_file_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[meta]\nversion=99\n", encoding="utf-8")
    assert AppSettings(path).version == 99


def test_damaged_values_read_as_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue("ui/language", "klingon")
    raw.setValue("session/last_user_id", "abc")
    raw.sync()
    store = AppSettings(path)
    assert (store.language, store.last_user_id) == ("", None)
    assert store.layout("missing").isEmpty()


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        AppSettings(tmp_path / "s.ini").language = "fr"
