"""The settings dialog: the UI language (system, 中文, English); applied at once on OK."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from fieldvisit.i18n import LANGUAGES, translate

LANGUAGE_NAMES = {
    "zh": "中文（简体）",
    "en": "English",
}  # each in its own language, never translated


class SettingsDialog(QDialog):
    def __init__(self, lang: str, preference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ui.settings.title", lang))
        self.language = QComboBox(self)
        self.language.addItem(translate("ui.settings.system_language", lang), "")
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(preference)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(translate("ui.settings.language", lang), self.language)
        form.addRow(buttons)

    def language_preference(self) -> str:
        """``zh``, ``en`` or empty for the system's language."""
        return str(self.language.currentData() or "")
