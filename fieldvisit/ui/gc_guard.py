"""Python's cyclic garbage collector, run only in the GUI thread.

The collector runs in whichever thread happens to allocate when a threshold is crossed. If that is
the database worker, it may destroy Qt objects (widgets from closed screens) outside the GUI thread,
which crashes Qt. So automatic collection is switched off and a timer collects in the GUI thread,
generation by generation, as the thresholds say.

The objects that live as long as the app (modules, classes, services, the main window) are frozen
out of the collector's sight (``gc.freeze``): a full collection then scans only what came later,
instead of stalling the window for 100 ms or more over a start-up heap that is never garbage.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

DEFAULT_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(
        self, interval_ms: int = DEFAULT_INTERVAL_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        gc.disable()
        gc.freeze()
        self._timer.start()

    def settle(self) -> None:
        """Freeze what start-up built (call once the first window is up)."""
        gc.freeze()

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        gc.enable()

    def _on_timer_timeout(self) -> None:
        counts = gc.get_count()
        generation = -1
        for index, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if count <= threshold:
                break
            generation = index
        if generation >= 0:
            gc.collect(generation)
