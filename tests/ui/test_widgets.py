"""Smaller UI parts: icons, the offline map, Qt translations, the user chooser, start-up choices."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldvisit.app import gui
from fieldvisit.domain.map_scale import nice_distance, scale_label
from fieldvisit.services.catalog import Services
from fieldvisit.ui import language
from fieldvisit.ui.icons import icon
from fieldvisit.ui.main_window import ACTIONS
from fieldvisit.ui.maps.case_map import CaseMap, MapPoint
from fieldvisit.ui.screens import SCREENS
from fieldvisit.ui.user_chooser import UserChooserDialog


@pytest.mark.parametrize("name", sorted({a[1] for a in ACTIONS} | {s.icon for s in SCREENS}))
def test_every_icon_loads(qtbot: QtBot, name: str) -> None:
    assert not icon(name).isNull()


@pytest.mark.parametrize(
    ("limit", "nice"), [(0.0, 0.0), (7.0, 5.0), (140.0, 100.0), (260.0, 200.0), (1999.0, 1000.0)]
)
def test_scale_bar_lengths_are_round(limit: float, nice: float) -> None:
    assert nice_distance(limit) == nice


def test_scale_labels() -> None:
    assert (scale_label(500), scale_label(2000)) == ("500 m", "2 km")


def test_map_draws_points_and_an_empty_state(qtbot: QtBot) -> None:
    widget = CaseMap()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.set_empty_text("无已定位地址")
    assert not widget.grab().isNull()
    widget.set_points([MapPoint(31.2, 121.5, "住址", True), MapPoint(31.25, 121.45, "单位", False)])
    assert not widget.grab().isNull()
    assert len(widget.points()) == 2


def test_qt_ships_its_chinese_catalogue(qtbot: QtBot) -> None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translations = language.QtTranslations(QApplication.instance())  # type: ignore[arg-type]
    try:
        assert translations.apply("zh"), f"qtbase_zh_CN.qm missing in {folder}"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        translations.apply("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_language_choice_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert language.choose_language("") == "zh"  # the system's
    assert language.choose_language("en") == "en"  # the saved preference
    assert language.choose_language("en", "zh") == "zh"  # asked for on the command line


def test_only_an_explicit_lang_overrides_the_saved_preference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fieldvisit.app.cli import main

    asked: list[str | None] = []
    monkeypatch.setattr(gui, "run", lambda url, lang, server=None: asked.append(lang) or 0)
    assert main(["--db", "sqlite://"]) == 0
    assert main(["--db", "sqlite://", "--lang", "zh"]) == 0
    assert asked == [None, "zh"]


def test_user_chooser_lists_active_users_and_preselects_the_last(
    qtbot: QtBot, services: Services
) -> None:
    users = services.users.active_users()
    dialog = UserChooserDialog(users, "zh", users[3].id)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(users) == 18
    assert dialog.chosen_user_id() == users[3].id
    assert any("外访员" in dialog.list.item(i).text() for i in range(dialog.list.count()))


def test_emit_does_not_take_references_from_true() -> None:
    # PySide6-Essentials 6.12.0 on CPython 3.11 takes a reference from True per emit() and
    # aborts the interpreter after a few thousand signals; setup.cfg excludes that release.
    import sys

    from PySide6.QtCore import QObject, Signal

    class Source(QObject):
        fired = Signal(object)

    source = Source()
    before = sys.getrefcount(True)
    for index in range(1_000):
        source.fired.emit(index)
    assert sys.getrefcount(True) - before > -100


def test_settings_dialog_offers_the_system_language_and_both_catalogues(qtbot: QtBot) -> None:
    from fieldvisit.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog("en", "zh")
    qtbot.addWidget(dialog)
    assert dialog.language_preference() == "zh"
    dialog.language.setCurrentIndex(0)
    assert dialog.language_preference() == ""  # follow the system
    assert dialog.language.itemText(0) == "System language"
