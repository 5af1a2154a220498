"""The Import screen: what can be imported, and the button that opens the Import dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from fieldvisit.i18n import translate
from fieldvisit.services.importing.service import ImportReport
from fieldvisit.ui.context import ScreenContext


class ImportScreen(QWidget):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._lang = context.lang
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.last_result = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.open_button)
        layout.addWidget(self.last_result)
        layout.addStretch(1)
        self.retranslate(self._lang)

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.intro.setText(translate("ui.import.intro", lang))
        self.open_button.setText(translate("ui.import.open", lang))

    def _on_open_button_clicked(self) -> None:
        from fieldvisit.ui.importing.dialog import ImportDialog

        dialog = ImportDialog(
            self._context.services.imports,
            self._context.tasks,
            self._lang,
            self._context.actor,
            self,
        )
        dialog.imported.connect(self._on_dialog_imported)
        dialog.open()

    def _on_dialog_imported(self, report: ImportReport) -> None:
        text = translate(
            "ui.import.done", self._lang, rows=report.imported, rejected=report.rejected
        )
        self.last_result.setText(text)
        self._context.show_status(text)
