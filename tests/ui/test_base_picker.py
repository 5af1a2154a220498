"""The crew base picker: a click on the map sets the base, saved through the Organisation screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fieldvisit.services.catalog import Services
from fieldvisit.storage import models as m
from fieldvisit.storage.database import Database
from fieldvisit.ui.admin.base_dialog import BaseDialog
from fieldvisit.ui.maps.base_picker import BasePicker
from fieldvisit.ui.maps.case_map import MapPoint
from fieldvisit.ui.tasks import TaskRunner
from tests.ui.test_organisation_screen import _save, _screen, empty_db, fresh, runner

__all__ = ["empty_db", "fresh", "runner"]  # fixtures shared with the Organisation screen's tests

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PUDONG = MapPoint(31.2304, 121.4737, "浦东一组", False)


def _click(qtbot: QtBot, picker: BasePicker, x: int, y: int) -> tuple[float, float]:
    with qtbot.waitSignal(picker.picked, timeout=1000) as signal:
        qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=QPoint(x, y))
    lat, lon = signal.args  # type: ignore[misc]
    return float(lat), float(lon)


def test_a_click_sets_the_place_under_the_pointer(qtbot: QtBot) -> None:
    picker = BasePicker()
    qtbot.addWidget(picker)
    picker.resize(400, 300)
    picker.show_places(None, [PUDONG])
    assert picker.marker is None
    centre = _click(qtbot, picker, 200, 150)
    assert centre == pytest.approx((PUDONG.lat, PUDONG.lon), abs=1e-4)
    north_east = _click(qtbot, picker, 300, 50)
    assert north_east[0] > PUDONG.lat
    assert north_east[1] > PUDONG.lon
    assert picker.marker == north_east
    # 100 px at 20 km per 300 px: about 6.7 km east and north of the centre.
    lat, lon = picker.projection().unproject(300, 50)
    assert north_east == pytest.approx((lat, lon), abs=1e-6)
    assert (north_east[0] - PUDONG.lat) * 111_000 == pytest.approx(6_667, rel=0.02)


def test_the_dialog_needs_a_place_before_ok(qtbot: QtBot) -> None:
    dialog = BaseDialog("浦东二组", None, [PUDONG], "en")
    qtbot.addWidget(dialog)
    dialog.resize(560, 460)
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    assert dialog.where.text() == "No base chosen yet."
    _click(qtbot, dialog.picker, dialog.picker.width() // 2 + 40, dialog.picker.height() // 2)
    assert ok.isEnabled()
    assert dialog.where.text().startswith("Base: 31.23")


def test_the_picked_base_is_saved_with_the_crew(
    qtbot: QtBot, fresh: Services, empty_db: Database, runner: TaskRunner, tmp_path: Path
) -> None:
    screen = _screen(qtbot, fresh, runner, "en", tmp_path)
    _save(qtbot, screen.teams, {"code": "SH", "name": "Shanghai", "profile": "CN",
                                "timezone": "Asia/Shanghai"}, runner)  # fmt: skip
    first = {"team": "SH", "name": "浦东一组", "base_lat": "31.2304", "base_lon": "121.4737"}
    _save(qtbot, screen.crews, first, runner)
    qtbot.waitUntil(lambda: screen.crews.model.rowCount() == 1)
    screen.crews.clear_form()
    for name, text in (("team", "SH"), ("name", "浦东二组")):
        widget = screen.crews.inputs[name]
        assert isinstance(widget, QLineEdit)
        widget.setText(text)
    shown: list[BaseDialog] = []

    def factory(crew: str, base: tuple[float, float] | None) -> BaseDialog:
        dialog = screen._base_dialog(crew, base)
        qtbot.addWidget(dialog)
        dialog.resize(560, 460)
        dialog.show()
        qtbot.waitExposed(dialog)
        shown.append(dialog)
        # The crew's manager clicks east of the other base, then OK.
        _click(qtbot, dialog.picker, dialog.picker.width() // 2 + 60, dialog.picker.height() // 2)
        dialog.exec = lambda: QDialog.DialogCode.Accepted  # type: ignore[method-assign,assignment,return-value]
        return dialog

    screen.base_dialog_factory = factory
    screen.pick_base.click()
    [dialog] = shown
    assert [p.label for p in dialog.picker.references] == ["浦东一组"]  # the team's other base
    picked = dialog.chosen()
    assert picked is not None
    assert screen.crews.values()["base_lat"] == f"{picked[0]:.6f}"
    assert _save(qtbot, screen.crews, {}, runner, edit=True).startswith("Saved.")
    with empty_db.session_factory() as s:
        crew = s.scalars(select(m.Crew).where(m.Crew.name == "浦东二组")).one()
    assert (crew.base_lat, crew.base_lon) == pytest.approx(picked, abs=1e-6)
    assert crew.base_lon > 121.4737  # east of the other base, where it was clicked


@pytest.mark.skipif(
    not os.environ.get("FIELDVISIT_SCREENSHOTS"), reason="set FIELDVISIT_SCREENSHOTS=1"
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshot(qtbot: QtBot, lang: str) -> None:
    others = [PUDONG, MapPoint(31.2397, 121.4998, "陆家嘴组", False)]
    dialog = BaseDialog("浦东二组", None, others, lang)
    qtbot.addWidget(dialog)
    dialog.resize(600, 500)
    dialog.show()
    qtbot.waitExposed(dialog)
    _click(qtbot, dialog.picker, dialog.picker.width() // 2 - 70, dialog.picker.height() // 2 + 40)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SCREENSHOTS / f"organisation-base-picker-{lang}.png"))
