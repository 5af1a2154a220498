"""Changes announced on the push hub, delivered on the GUI thread as one Qt signal.

The hub calls its listeners on whatever thread published (the team server's event stream, the
in-app watcher); a signal emitted there reaches slots of GUI-thread objects through Qt's queued
connection, so no widget is ever touched off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from fieldvisit.services.field.notify_channels import AlarmNotice, ChangeNotice, PushHub


class ChangeBridge(QObject):
    """``changed(kind, data)`` for every ``ChangeNotice`` on ``hub``."""

    changed = Signal(str, object)

    def __init__(self, hub: PushHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        unsubscribe = hub.subscribe(self._on_hub_notice)
        # Touches no Qt object: safe while this one is being destroyed.
        self.destroyed.connect(lambda *_args: unsubscribe())

    def _on_hub_notice(self, notice: AlarmNotice | ChangeNotice, _address: str) -> None:
        if isinstance(notice, ChangeNotice):
            data: dict[str, Any] = dict(notice.data)
            self.changed.emit(notice.kind, data)
