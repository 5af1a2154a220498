"""The GUI-thread collector switches automatic collection off and collects on its timer."""

from __future__ import annotations

import gc

from pytestqt.qtbot import QtBot

from fieldvisit.ui.gc_guard import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collects_cycles_in_the_gui_thread(qtbot: QtBot) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        for _ in range(gc.get_threshold()[0] + 10):
            _Cycle()
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=2000)
    finally:
        collector.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()


def test_the_start_up_heap_is_frozen_out_of_full_collections(qtbot: QtBot) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector(interval_ms=10)
    collector.start()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # modules, classes and functions: never garbage, never rescanned
        built_later = [_Cycle() for _ in range(100)]
        collector.settle()
        assert gc.get_freeze_count() >= frozen + len(built_later)
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
    if not was_enabled:
        gc.disable()
