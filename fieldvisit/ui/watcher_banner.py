"""The red banner: no safety watcher has beaten for a minute, so overdue visits go unnoticed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from fieldvisit.i18n import translate

STYLE = "QLabel { background: #b00020; color: white; font-weight: bold; padding: 8px 12px; }"


class WatcherBanner(QLabel):
    """Hidden until ``set_silent(True)``; its text follows the window's language."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watcher_banner")
        self.setStyleSheet(STYLE)
        self.setWordWrap(True)
        self.retranslate(lang)
        self.hide()

    def retranslate(self, lang: str) -> None:
        self.setText(translate("remote.banner.watcher_silent", lang))

    def set_silent(self, silent: bool) -> None:
        self.setVisible(silent)
